/**
 * Who gets woken, and how often. Pure decisions over
 * committed changes, the window's state and the settings, with an injected clock: only new
 * `fired` events qualify, live ones, and replayed ones that fired recently while this console was
 * away and are still firing at the end of the batch (the operator missed them); one alert notifies once per cooldown; bursts become digests; a
 * hard cap per minute holds in any storm (alerts past it wait for the next digest); quiet hours
 * let only critical through; snooze and pause silence everything; a feed lost for too long is a
 * notification, and its return another. Every alert is in the history whatever this decides.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import type { Clock } from '../../../common/clock.js';
import type { WindowState } from '../../../common/window-state.js';
import type { CommittedChange } from '../pipeline/observer.js';
import { severityRank, type Severity } from '../../../common/protocol/alert.js';
import { DigestBuffer } from './digest.js';
import { noneSuppressed, type Suppressed } from '../../../common/notify/health.js';
import { inQuietHours } from './quiet-hours.js';
import type { NotificationRequest } from './request.js';
import type { NotificationSettings } from '../../../common/notify/settings.js';
import { alertKey } from '../../../common/alert-key.js';

export type { Suppressed } from '../../../common/notify/health.js';

/** Options for tests: the local clock's offset from UTC at a moment (default: the machine's). */
export type PolicyOptions = { utcOffsetMinutes?: (now: number) => number };

const MINUTE = 60_000;

/** The notification decisions for one console (all feeds). */
export class NotificationPolicy {
  private readonly lastNotified = new Map<string, number>();
  private sentAt: number[] = [];
  private snoozedUntil = 0;
  private paused = false;
  private digest = new DigestBuffer();
  private digestAt: number | null = null;
  readonly suppressed: Suppressed = noneSuppressed();

  constructor(
    private settings: NotificationSettings,
    private readonly clock: Clock,
    private readonly options: PolicyOptions = {},
  ) {}

  updateSettings(settings: NotificationSettings): void {
    this.settings = settings;
  }

  /** Silence notifications for `hours` from now (the tray's Snooze 1/4/8 h); 0 ends a snooze. */
  snooze(hours: number): void {
    if (!Number.isFinite(hours) || hours < 0)
      throw new RangeError(`snooze hours must be a non-negative number, not ${hours}`);
    this.snoozedUntil = hours === 0 ? 0 : this.clock.now() + hours * 3600_000;
  }

  /** Pause or resume notifications (the tray's Pause notifications). */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** Snooze and pause, for the tray. */
  state(): { snoozedUntil: number | null; paused: boolean } {
    return { snoozedUntil: this.snoozedUntil > this.clock.now() ? this.snoozedUntil : null, paused: this.paused };
  }

  /** The notifications to show now for one committed batch (a burst is gathered: see takeDigest). */
  decide(changes: readonly CommittedChange[], window: WindowState): NotificationRequest[] {
    const now = this.clock.now();
    // Only a replayed batch needs each alert's final state (live batches never look it up).
    const endsFiring = changes.some((c) => c.replayed) ? lastStates(changes) : NO_STATES;
    const qualifying = changes.filter((c) => this.qualifies(c, now, endsFiring));
    /** Missed alerts (replayed) say when they fired. */
    const missedAt = new Map(qualifying.filter((c) => c.replayed).map((c) => [key(c.row), c.event.at]));
    const candidates = qualifying.map((c) => c.row);
    if (candidates.length === 0) return [];
    const silenced = this.silencedBy(now, window);
    if (silenced) return this.drop(silenced, candidates.length);
    const quiet = this.quietNow(now);
    const due = candidates.filter((row) => {
      const last = this.lastNotified.get(key(row));
      if (last !== undefined && now - last < this.settings.cooldownMs) return this.count('cooldown');
      if (quiet && !(this.settings.quietHours.criticalBypass && row.severity === 'critical'))
        return this.count('quiet_hours');
      return true;
    });
    if (due.length === 0) return [];
    this.forgetOldCooldowns(now);
    for (const row of due) this.lastNotified.set(key(row), now);
    this.forgetOldSends(now);
    const recent = this.sentAt.filter((t) => now - t < this.settings.digestWindowMs).length;
    if (this.digest.size > 0 || recent + due.length > this.settings.digestThreshold) {
      this.gather(due, 'digested', now);
      return [];
    }
    if (this.sentAt.length + due.length > this.settings.capPerMinute) {
      this.gather(due, 'capped', now);
      return [];
    }
    this.sentAt.push(...due.map(() => now));
    return due.map((row) => this.single(row, missedAt.get(key(row)), now));
  }

  /** When the gathered digest should be shown, or null when nothing is gathered. */
  digestDueAt(): number | null {
    return this.digestAt;
  }

  /**
   * The digest of everything gathered so far, or null if nothing is gathered or the per-minute
   * cap is reached; then the alerts stay gathered and digestDueAt says when the cap allows.
   */
  takeDigest(): NotificationRequest | null {
    if (this.digest.size === 0) {
      this.digestAt = null;
      return null;
    }
    const now = this.clock.now();
    this.forgetOldSends(now);
    if (this.sentAt.length >= this.settings.capPerMinute) {
      this.digestAt = this.sentAt[0]! + MINUTE;
      return null;
    }
    const buffer = this.digest;
    this.digest = new DigestBuffer();
    this.digestAt = null;
    this.sentAt.push(now);
    const worst = buffer.worstSeverity();
    return {
      kind: 'digest',
      ...buffer.text(),
      urgency: urgencyOf(worst),
      covers: buffer.covers(),
      ...this.soundFor(worst),
    };
  }

  /** The notification for a feed lost longer than the threshold, or null if the rules silence it. */
  feedLost(status: FeedStatus, window: WindowState): NotificationRequest | null {
    const minutes = Math.max(1, Math.round((this.clock.now() - status.since) / MINUTE));
    const why = status.lastError ? ` (${status.lastError})` : '';
    const body = `${status.state === 'stale' ? 'No data' : 'No connection'} from ${status.name} for ${minutes} min${why}. Alerts from this feed are not reaching you.`;
    return this.feedNotification(
      {
        kind: 'feed-lost',
        title: `Feed lost: ${status.name}`,
        body,
        urgency: 'critical',
        ...this.soundFor('critical'),
      },
      window,
    );
  }

  /** The notification that a lost feed is live again (only sent if its loss was notified). */
  feedBack(status: FeedStatus, window: WindowState): NotificationRequest | null {
    const body = `${status.name} is live again; alerts sent meanwhile are being replayed into the history.`;
    return this.feedNotification(
      { kind: 'feed-back', title: `Feed back: ${status.name}`, body, urgency: 'normal' },
      window,
    );
  }

  private feedNotification(request: NotificationRequest, window: WindowState): NotificationRequest | null {
    const now = this.clock.now();
    const silenced =
      this.silencedBy(now, window) ??
      (this.quietNow(now) && !(this.settings.quietHours.criticalBypass && request.urgency === 'critical')
        ? 'quiet_hours'
        : null);
    this.forgetOldSends(now);
    const reason = silenced ?? (this.sentAt.length >= this.settings.capPerMinute ? 'capped' : null);
    if (reason) {
      this.suppressed[reason]++;
      return null;
    }
    this.sentAt.push(now);
    return request;
  }

  /**
   * A new firing alert the settings care about: live, or missed (a recent replay still firing);
   * not a repeat, not acknowledged or snoozed.
   */
  private qualifies(change: CommittedChange, now: number, endsFiring: ReadonlyMap<string, boolean>): boolean {
    if (change.event.kind !== 'fired' || change.row.firstSeq !== change.seq) return false;
    if (change.replayed) {
      const missed =
        this.settings.missedWithinMs > 0 &&
        now - change.event.at <= this.settings.missedWithinMs &&
        endsFiring.get(key(change.row)) === true;
      if (!missed) return false;
    }
    const { row } = change;
    const wanted =
      this.settings.categories.includes(row.category) &&
      severityRank(row.severity) >= severityRank(this.settings.minSeverity);
    if (!wanted || row.acknowledged !== null || (row.snoozedUntil !== null && row.snoozedUntil > now))
      return this.count('filtered');
    return true;
  }

  /** Whether everything is silenced now, and why. */
  private silencedBy(now: number, window: WindowState): keyof Suppressed | null {
    if (!this.settings.enabled || this.paused) return 'paused';
    if (this.snoozedUntil > now) return 'snoozed';
    const { when } = this.settings;
    const seen =
      (when.hidden && !window.visible) || (when.minimized && window.minimized) || (when.unfocused && !window.focused);
    return seen ? null : 'window';
  }

  private quietNow(now: number): boolean {
    const q = this.settings.quietHours;
    return q.enabled && inQuietHours(now, q.start, q.end, this.options.utcOffsetMinutes?.(now));
  }

  private gather(rows: readonly AlertRow[], reason: 'digested' | 'capped', now: number): void {
    for (const row of rows) this.digest.add(row);
    this.suppressed[reason] += rows.length;
    this.digestAt ??= now + this.settings.digestDelayMs;
  }

  /** Cooldowns that have run out are forgotten, so a long-running console does not grow. */
  private forgetOldCooldowns(now: number): void {
    if (this.lastNotified.size < 10_000) return;
    for (const [k, at] of this.lastNotified) if (now - at >= this.settings.cooldownMs) this.lastNotified.delete(k);
  }

  private forgetOldSends(now: number): void {
    this.sentAt = this.sentAt.filter((t) => now - t < MINUTE);
  }

  private single(row: AlertRow, missedAt: number | undefined, now: number): NotificationRequest {
    const alert = { feedId: row.feedId, alertId: row.alertId };
    const missed =
      missedAt === undefined
        ? null
        : `Fired ${Math.max(1, Math.round((now - missedAt) / MINUTE))} min ago, while this console was disconnected.`;
    return {
      kind: 'alert',
      title: `${row.severity.toUpperCase()} ${row.category}: ${row.title}`.slice(0, 200),
      body: [missed, [row.host, row.body].filter(Boolean).join(' — ')].filter(Boolean).join(' ').slice(0, 300),
      urgency: urgencyOf(row.severity),
      alert,
      covers: [alert],
      ...this.soundFor(row.severity),
    };
  }

  private soundFor(severity: Severity): { sound?: string } {
    const sound = this.settings.sounds[severity];
    return sound ? { sound } : {};
  }

  private count(reason: keyof Suppressed): false {
    this.suppressed[reason]++;
    return false;
  }

  private drop(reason: keyof Suppressed, n: number): [] {
    this.suppressed[reason] += n;
    return [];
  }
}

const key = (row: AlertRow) => alertKey(row);
const urgencyOf = (severity: Severity): NotificationRequest['urgency'] =>
  severity === 'critical' ? 'critical' : 'normal';

const NO_STATES: ReadonlyMap<string, boolean> = new Map();

/** Per alert, whether its last change in this batch leaves it firing and unacknowledged. */
function lastStates(changes: readonly CommittedChange[]): Map<string, boolean> {
  const firing = new Map<string, boolean>();
  for (const { row } of changes) firing.set(key(row), row.status === 'firing' && row.acknowledged === null);
  return firing;
}
