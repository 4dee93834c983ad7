/**
 * Who gets woken, and how often. Pure decisions over
 * committed changes, the window's state and the settings, with an injected clock: only new
 * `fired` events qualify, live ones, and replayed ones that fired recently while this console was
 * away and are still firing at the end of the batch (the operator missed them); one alert notifies once per cooldown; bursts become digests; a
 * hard cap per minute holds in any storm (alerts past it wait for the next digest); quiet hours
 * let only critical through; snooze and pause silence everything; a feed lost for too long is a
 * notification, and its return another. Every alert is in the history whatever this decides.
 */
import { TOCSIN_SOUND } from './sound/sound-player.js';
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

/** True for an https URL: the only kind a notification may open (anything else is never a link). */
export function httpsOnly(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The notification decisions for one console (all feeds). */
export class NotificationPolicy {
  private readonly lastNotified = new Map<string, number>();
  /** Everything sent in the last minute, storms and feed notifications alike (feed notifications' cap). */
  private sentAt: number[] = [];
  private snoozedUntil = 0;
  private paused = false;
  /** One storm per category and severity: each gathers and is capped on its own. */
  private readonly storms = new Map<string, Storm>();
  readonly suppressed: Suppressed = noneSuppressed();
  /** Alerts that were notified on their own while another storm was being gathered or capped. */
  breakthroughs = 0;

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
    // Digests and the cap apply per storm: an alert of a kind the current storm does not hold
    // is not waiting behind it; it is shown at once, on its own, and counted as a breakthrough.
    const stormy = this.stormyNow(now);
    const shown: NotificationRequest[] = [];
    for (const [name, rows] of groupBy(due, stormOf)) {
      const storm = this.storm(name, now);
      const recent = storm.sentAt.filter((t) => now - t < this.settings.digestWindowMs).length;
      if (storm.digest.size > 0 || recent + rows.length > this.settings.digestThreshold) {
        this.gather(storm, rows, 'digested', now);
        continue;
      }
      if (storm.sentAt.length + rows.length > this.settings.capPerMinute) {
        this.gather(storm, rows, 'capped', now);
        continue;
      }
      if ([...stormy].some((other) => other !== name)) this.breakthroughs += rows.length;
      this.sent(storm, rows.length, now);
      shown.push(...rows.map((row) => this.single(row, missedAt.get(key(row)), now)));
    }
    return shown;
  }

  /** When the next gathered digest should be shown, or null when nothing is gathered. */
  digestDueAt(): number | null {
    let due: number | null = null;
    for (const storm of this.storms.values())
      if (storm.digestAt !== null && (due === null || storm.digestAt < due)) due = storm.digestAt;
    return due;
  }

  /**
   * The digest of the storm due first, or null if nothing is gathered or that storm's per-minute
   * cap is reached; then its alerts stay gathered and digestDueAt says when the cap allows. A
   * digest of one alert is that alert's own notification; a digest of several names the first.
   */
  takeDigest(): NotificationRequest | null {
    const now = this.clock.now();
    let next: Storm | null = null;
    for (const storm of this.storms.values())
      if (storm.digestAt !== null && (next === null || storm.digestAt < next.digestAt!)) next = storm;
    if (next === null) return null;
    this.forgetOldSends(next, now);
    if (next.sentAt.length >= this.settings.capPerMinute) {
      next.digestAt = next.sentAt[0]! + MINUTE;
      return null;
    }
    const buffer = next.digest;
    next.digest = new DigestBuffer();
    next.digestAt = null;
    this.sent(next, 1, now);
    const only = buffer.only();
    if (only) return this.single(only, undefined, now);
    const worst = buffer.worstSeverity();
    const covers = buffer.covers();
    return {
      kind: 'digest',
      ...buffer.text(),
      urgency: urgencyOf(worst),
      covers,
      acknowledges: covers,
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
    this.sentAt = this.sentAt.filter((t) => now - t < MINUTE);
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

  /** Gather rows into a storm's digest. Critical alerts are never held back by the digest delay. */
  private gather(storm: Storm, rows: readonly AlertRow[], reason: 'digested' | 'capped', now: number): void {
    for (const row of rows) storm.digest.add(row);
    this.suppressed[reason] += rows.length;
    // (A storm held back by its cap keeps the time the cap allows; takeDigest sets it again.)
    if (rows.some((row) => row.severity === 'critical')) storm.digestAt = Math.min(storm.digestAt ?? now, now);
    else storm.digestAt ??= now + this.settings.digestDelayMs;
  }

  /** The storm of this name, its sends older than a minute forgotten. */
  private storm(name: string, now: number): Storm {
    let storm = this.storms.get(name);
    if (!storm) this.storms.set(name, (storm = { sentAt: [], digest: new DigestBuffer(), digestAt: null }));
    this.forgetOldSends(storm, now);
    return storm;
  }

  /** Storms gathering a digest or at their cap now. */
  private stormyNow(now: number): Set<string> {
    const stormy = new Set<string>();
    for (const [name, storm] of this.storms) {
      this.forgetOldSends(storm, now);
      if (storm.digest.size > 0 || storm.sentAt.length >= this.settings.capPerMinute) stormy.add(name);
      else if (storm.sentAt.length === 0 && storm.digestAt === null) this.storms.delete(name); // a storm that ended
    }
    return stormy;
  }

  private sent(storm: Storm, count: number, now: number): void {
    for (let i = 0; i < count; i++) {
      storm.sentAt.push(now);
      this.sentAt.push(now);
    }
  }

  /** Cooldowns that have run out are forgotten, so a long-running console does not grow. */
  private forgetOldCooldowns(now: number): void {
    if (this.lastNotified.size < 10_000) return;
    for (const [k, at] of this.lastNotified) if (now - at >= this.settings.cooldownMs) this.lastNotified.delete(k);
  }

  private forgetOldSends(storm: Storm, now: number): void {
    storm.sentAt = storm.sentAt.filter((t) => now - t < MINUTE);
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
      // What the source said first, then where: the description is what wakes someone up.
      body: cutAtWord([missed, [row.body, row.host].filter(Boolean).join(' — ')].filter(Boolean).join(' '), 300),
      urgency: urgencyOf(row.severity),
      alert,
      covers: [alert],
      acknowledges: [alert],
      ...this.soundFor(row.severity),
      ...(httpsOnly(row.runbookUrl) ? { runbook: row.runbookUrl! } : {}),
    };
  }

  private soundFor(severity: Severity): { sound?: string; tocsinSound?: Severity } {
    const sound = this.settings.sounds[severity];
    if (!sound) return {};
    return sound === TOCSIN_SOUND ? { tocsinSound: severity } : { sound };
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

/** One storm: what was sent for it in the last minute, and what it is gathering. */
type Storm = { sentAt: number[]; digest: DigestBuffer; digestAt: number | null };
/** Alerts of one category and severity are one storm. */
const stormOf = (row: AlertRow) => `${row.category}/${row.severity}`;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
const urgencyOf = (severity: Severity): NotificationRequest['urgency'] =>
  severity === 'critical' ? 'critical' : 'normal';

const NO_STATES: ReadonlyMap<string, boolean> = new Map();

/** Per alert, whether its last change in this batch leaves it firing and unacknowledged. */
function lastStates(changes: readonly CommittedChange[]): Map<string, boolean> {
  const firing = new Map<string, boolean>();
  for (const { row } of changes) firing.set(key(row), row.status === 'firing' && row.acknowledged === null);
  return firing;
}
