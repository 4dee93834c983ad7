/**
 * The renderer's state: active alerts, feed statuses, recent metric samples. Updates from
 * the core are queued and applied once per animation frame, so a storm of updates costs one
 * render per frame (read with useSyncExternalStore).
 */
import type { AlertRow, FeedStatus, UiUpdate } from '../../../common/api/contract';
import type { MetricSample } from '../../../common/protocol/metrics';
import type { NotificationHealth } from '../../../common/notify/health';
import { severityRank } from '../../../common/protocol/alert';
import type { ShellLink } from '../api/socket-api';
import { alertKey } from '../../../common/alert-key';

export type ConsoleSnapshot = {
  version: number;
  alerts: ReadonlyMap<string, AlertRow>;
  feeds: readonly FeedStatus[];
  series: ReadonlyMap<string, readonly MetricSample[]>;
  link: ShellLink;
  /** Whether native notifications reach the user (null until the core says). */
  notifications: NotificationHealth | null;
  /** What the live region says about the last frame's new alerts (counted, so a storm is one sentence). */
  announcement: { text: string; n: number } | null;
  /** The alert the core asked to show (a notification's Open), with a counter so repeats count. */
  focus: { feedId: string; alertId: string; n: number } | null;
  /** The alerts a digest's Open asked to show (keys as alertKey makes them), with a counter. */
  focusSet: { keys: readonly string[]; n: number } | null;
};

const SERIES_POINTS = 300;
const ANNOUNCE_EVERY_MS = 2000;

export class ConsoleStore {
  private snapshot: ConsoleSnapshot = {
    version: 0,
    alerts: new Map(),
    feeds: [],
    series: new Map(),
    link: { state: 'connecting', since: Date.now(), nextRetryAt: null },
    notifications: null,
    announcement: null,
    focus: null,
    focusSet: null,
  };
  private queue: UiUpdate[] = [];
  private frame: number | null = null;
  private readonly listeners = new Set<() => void>();
  private pendingFired = 0;
  private pendingWorst: AlertRow | null = null;
  private lastAnnouncedAt = 0;
  private announceTimer: ReturnType<typeof setTimeout> | null = null;

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

  setNotifications(notifications: NotificationHealth | null): void {
    this.commit({ notifications });
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
    let focus = this.snapshot.focus;
    let focusSet = this.snapshot.focusSet;
    let notifications = this.snapshot.notifications;
    for (const update of this.queue) {
      if (update.focus) focus = { ...update.focus, n: (focus?.n ?? 0) + 1 };
      if (update.focusSet) focusSet = { keys: update.focusSet.alerts.map(alertKey), n: (focusSet?.n ?? 0) + 1 };
      if (update.notifications) notifications = update.notifications;
      for (const row of update.alerts) {
        const key = alertKey(row);
        const before = alerts.get(key);
        if (row.status === 'firing') {
          if (!before || before.firstSeq !== row.firstSeq) {
            // Newly fired: counted towards the live region's next sentence.
            this.pendingFired++;
            if (!this.pendingWorst || severityRank(row.severity) > severityRank(this.pendingWorst.severity))
              this.pendingWorst = row;
          }
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
    this.commit({
      alerts,
      feeds: [...feeds.values()],
      series,
      focus,
      focusSet,
      notifications,
      ...this.takeAnnouncement(),
    });
  }

  /**
   * The live region speaks at most once per ANNOUNCE_EVERY_MS: a storm becomes "37 new alerts;
   * most severe: …" rather than a queue of sentences nobody can follow.
   */
  private takeAnnouncement(): Partial<ConsoleSnapshot> {
    if (!this.pendingWorst) return {};
    const wait = this.lastAnnouncedAt + ANNOUNCE_EVERY_MS - Date.now();
    if (wait > 0) {
      this.announceTimer ??= setTimeout(() => {
        this.announceTimer = null;
        this.commit(this.takeAnnouncement());
      }, wait);
      return {};
    }
    const announcement = {
      text: announce(this.pendingFired, this.pendingWorst),
      n: (this.snapshot.announcement?.n ?? 0) + 1,
    };
    this.pendingFired = 0;
    this.pendingWorst = null;
    this.lastAnnouncedAt = Date.now();
    return { announcement };
  }

  private commit(change: Partial<ConsoleSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }
}

/** One sentence for screen readers per frame of new alerts: the count and the most severe. */
export function announce(fired: number, worst: AlertRow): string {
  const what = `${worst.severity} ${worst.category} alert: ${worst.title}${worst.host ? ` on ${worst.host}` : ''}`;
  return fired === 1 ? `New ${what}` : `${fired} new alerts; most severe: ${what}`;
}
