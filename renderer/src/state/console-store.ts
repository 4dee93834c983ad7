/**
 * The renderer's state: active alerts, feed statuses, recent metric samples. Updates from
 * the core are queued and applied once per animation frame, so a storm of updates costs one
 * render per frame (read with useSyncExternalStore).
 */
import type { AlertRow, FeedStatus, UiUpdate } from '../../../preload/contract';
import type { MetricSample } from '../../../main/core/protocol/metrics';
import type { ShellLink } from '../api/socket-api';

export type ConsoleSnapshot = {
  version: number;
  alerts: ReadonlyMap<string, AlertRow>;
  feeds: readonly FeedStatus[];
  series: ReadonlyMap<string, readonly MetricSample[]>;
  link: ShellLink;
  /** Alerts that fired since the page opened, newest first (for the live region). */
  lastFired: AlertRow | null;
  /** The alert the core asked to show (a notification's Open), with a counter so repeats count. */
  focus: { feedId: string; alertId: string; n: number } | null;
};

const SERIES_POINTS = 300;
export const alertKey = (row: Pick<AlertRow, 'feedId' | 'alertId'>) => `${row.feedId}\u0000${row.alertId}`;

export class ConsoleStore {
  private snapshot: ConsoleSnapshot = { version: 0, alerts: new Map(), feeds: [], series: new Map(), link: 'connecting', lastFired: null, focus: null };
  private queue: UiUpdate[] = [];
  private frame: number | null = null;
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ConsoleSnapshot => this.snapshot;

  /** Replace the active alerts wholesale (initial load and after a reconnect). */
  resetAlerts(rows: readonly AlertRow[]): void {
    this.commit({ alerts: new Map(rows.map((row) => [alertKey(row), row])) });
  }

  setFeeds(feeds: readonly FeedStatus[]): void {
    this.commit({ feeds });
  }

  setLink(link: ShellLink): void {
    this.commit({ link });
  }

  /** Queue an update; it is applied on the next animation frame together with any others. */
  enqueue = (update: UiUpdate): void => {
    this.queue.push(update);
    this.frame ??= requestAnimationFrame(() => this.applyQueued());
  };

  private applyQueued(): void {
    this.frame = null;
    const alerts = new Map(this.snapshot.alerts);
    const feeds = new Map(this.snapshot.feeds.map((f) => [f.feedId, f]));
    const series = new Map(this.snapshot.series);
    let lastFired = this.snapshot.lastFired;
    let focus = this.snapshot.focus;
    for (const update of this.queue) {
      if (update.focus) focus = { ...update.focus, n: (focus?.n ?? 0) + 1 };
      for (const row of update.alerts) {
        const key = alertKey(row);
        const before = alerts.get(key);
        if (row.status === 'firing') {
          if (!before || before.firstSeq !== row.firstSeq) lastFired = row;
          alerts.set(key, row);
        } else alerts.delete(key);
      }
      for (const feed of update.feeds) feeds.set(feed.feedId, feed);
      for (const sample of update.metrics) {
        const points = [...(series.get(sample.series) ?? []), sample];
        series.set(sample.series, points.length > SERIES_POINTS ? points.slice(-SERIES_POINTS) : points);
      }
    }
    this.queue = [];
    this.commit({ alerts, feeds: [...feeds.values()], series, lastFired, focus });
  }

  private commit(change: Partial<ConsoleSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }
}
