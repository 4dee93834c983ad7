/**
 * The tray as an observer of what is stored: it keeps every firing alert by key (loaded once at
 * start, then kept by committed changes and snapshot rows), the feeds' statuses and the
 * notification state, and derives the model at most once per interval after something changed.
 * Nothing is queried again: an alert storm costs a map update per change, not a re-read of
 * every active alert a few times a second.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import { alertKey } from '../../../common/alert-key.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { DerivedTrayModel, TrayNotificationState } from '../../../common/tray-model.js';
import type { CommittedChange, CommittedObserver } from '../pipeline/observer.js';
import { deriveTrayModel } from './tray-model.js';

/** How often at most the model is derived and published (a storm moves the tray a few times a second). */
export const TRAY_INTERVAL_MS = 250;

/** What the tray observer needs; the worker's composition root provides it. */
export type TrayObserverDeps = {
  clock: Clock;
  /** Every firing alert as stored when the observer starts, before any feed connects. */
  alerts: readonly AlertRow[];
  /** Every feed's status at start, in the order the tray names them. */
  feeds: readonly FeedStatus[];
  /** Snooze, pause and delivery health, as they stand when the model is derived. */
  notifications(): TrayNotificationState;
  intervalMs?: number;
};

/** Keeps what the tray shows, and publishes its model to the listeners. */
export class TrayObserver implements CommittedObserver {
  private readonly firing = new Map<string, AlertRow>();
  private readonly feeds = new Map<string, FeedStatus>();
  private readonly listeners = new Set<(model: DerivedTrayModel) => void>();
  private timer: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly deps: TrayObserverDeps) {
    for (const row of deps.alerts) this.keep(row);
    for (const feed of deps.feeds) this.feeds.set(feed.feedId, feed);
    this.changed(); // the first model, once the listeners are there
  }

  /** Subscribe to the models; returns the unsubscribe function. */
  onModel(listener: (model: DerivedTrayModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onCommitted(changes: readonly CommittedChange[]): void {
    for (const change of changes) this.keep(change.row);
    this.changed();
  }

  onSnapshot(_feedId: string, rows: readonly AlertRow[]): void {
    for (const row of rows) this.keep(row);
    this.changed();
  }

  onFeedStatus(status: FeedStatus): void {
    this.feeds.set(status.feedId, status);
    this.changed();
  }

  /** Something the model depends on changed (also snooze, pause, notification health): derive it soon. */
  changed(): void {
    if (this.closed) return;
    this.timer ??= this.deps.clock.setTimeout(() => {
      this.timer = null;
      const model = this.model();
      for (const listener of this.listeners) listener(model);
    }, this.deps.intervalMs ?? TRAY_INTERVAL_MS);
  }

  /** The model as it stands now. */
  model(): DerivedTrayModel {
    return deriveTrayModel([...this.firing.values()], [...this.feeds.values()], this.deps.notifications());
  }

  /** Publish nothing more. */
  close(): void {
    this.closed = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private keep(row: AlertRow): void {
    if (row.status === 'firing') this.firing.set(alertKey(row), row);
    else this.firing.delete(alertKey(row));
  }
}
