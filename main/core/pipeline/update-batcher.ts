/**
 * Coalesces everything the UI must hear about into one update per interval: the latest state
 * of each changed alert, the latest sample of each series (latest-value-wins), and feed
 * statuses. An alert storm becomes a few updates per second, not thousands of messages.
 */
import type { AlertRow, FeedStatus, UiUpdate } from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { NotificationHealth } from '../../../common/notify/health.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import { alertKey } from '../../../common/alert-key.js';
import type { CommittedChange, CommittedObserver } from './observer.js';

/** The UI's updates, batched; an observer of committed changes, snapshots and feed statuses. */
export class UpdateBatcher implements CommittedObserver {
  private alerts = new Map<string, AlertRow>();
  private metrics = new Map<string, MetricSample>();
  private feeds = new Map<string, FeedStatus>();
  private notifications: NotificationHealth | null = null;
  private timer: TimerHandle | null = null;
  private readonly listeners = new Set<(update: UiUpdate) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 50,
  ) {}

  onUpdate(listener: (update: UiUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onCommitted(changes: readonly CommittedChange[]): void {
    this.addAlerts(changes.map((c) => c.row));
  }

  onSnapshot(_feedId: string, rows: readonly AlertRow[]): void {
    this.addAlerts(rows);
  }

  onFeedStatus(status: FeedStatus): void {
    this.addFeed(status);
  }

  addAlerts(rows: readonly AlertRow[]): void {
    for (const row of rows) this.alerts.set(alertKey(row), row);
    this.schedule();
  }

  addMetrics(samples: readonly MetricSample[]): void {
    for (const sample of samples) this.metrics.set(sample.series, sample);
    this.schedule();
  }

  addFeed(status: FeedStatus): void {
    this.feeds.set(status.feedId, status);
    this.schedule();
  }

  /** The notification path's health: latest wins. */
  setNotifications(health: NotificationHealth): void {
    this.notifications = health;
    this.schedule();
  }

  /** Emit what is pending now (used on close, and by the timer). */
  flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.alerts.size + this.metrics.size + this.feeds.size === 0 && !this.notifications) return;
    const update: UiUpdate = {
      alerts: [...this.alerts.values()],
      metrics: [...this.metrics.values()],
      feeds: [...this.feeds.values()],
    };
    if (this.notifications) update.notifications = this.notifications;
    this.notifications = null;
    this.alerts = new Map();
    this.metrics = new Map();
    this.feeds = new Map();
    for (const listener of this.listeners) listener(update);
  }

  private schedule(): void {
    this.timer ??= this.clock.setTimeout(() => this.flush(), this.intervalMs);
  }
}
