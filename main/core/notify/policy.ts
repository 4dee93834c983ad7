/**
 * Who gets woken, and how often. Pure decisions over committed changes, the window's state
 * and the settings, with an injected clock: only live, new `fired` events qualify; one alert
 * notifies once per cooldown; bursts become digests; a hard cap per minute holds in any storm;
 * quiet hours let only critical through; snooze and pause silence everything. Every alert is
 * still in the history whatever this decides.
 */
import type { AlertRow } from '../../../preload/contract.js';
import type { Clock } from '../clock.js';
import type { WindowState } from '../host/window-state.js';
import type { CommittedChange } from '../pipeline/observer.js';
import { severityRank } from '../protocol/alert.js';
import { digestText } from './digest.js';
import type { NotificationRequest } from './request.js';
import type { NotificationSettings } from './settings.js';

/** Why alerts were not notified, counted (shown to the user, asserted by tests). */
export type Suppressed = Record<'window' | 'filtered' | 'cooldown' | 'quiet_hours' | 'snoozed' | 'capped' | 'digested', number>;

export class NotificationPolicy {
  private readonly lastNotified = new Map<string, number>();
  private sentAt: number[] = [];
  private snoozedUntil = 0;
  private paused = false;
  private pending: AlertRow[] = [];
  private digestAt: number | null = null;
  readonly suppressed: Suppressed = { window: 0, filtered: 0, cooldown: 0, quiet_hours: 0, snoozed: 0, capped: 0, digested: 0 };

  constructor(private settings: NotificationSettings, private readonly clock: Clock) {}

  updateSettings(settings: NotificationSettings): void {
    this.settings = settings;
  }

  /** Silence notifications for `hours` (the tray's Snooze 1/4/8 h). */
  snooze(hours: number): void {
    this.snoozedUntil = this.clock.now() + hours * 3600_000;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  state(): { snoozedUntil: number | null; paused: boolean } {
    return { snoozedUntil: this.snoozedUntil > this.clock.now() ? this.snoozedUntil : null, paused: this.paused };
  }

  /** The notifications to show for one committed batch. */
  decide(changes: readonly CommittedChange[], window: WindowState): NotificationRequest[] {
    const now = this.clock.now();
    const candidates = changes.filter((c) => this.qualifies(c)).map((c) => c.row);
    if (candidates.length === 0) return [];
    if (!this.settings.enabled || this.paused || this.snoozedUntil > now) return this.drop('snoozed', candidates.length);
    if (!this.windowAllows(window)) return this.drop('window', candidates.length);
    const due = candidates.filter((row) => {
      const last = this.lastNotified.get(key(row));
      if (last !== undefined && now - last < this.settings.cooldownMs) return this.count('cooldown');
      if (this.inQuietHours(now) && !(this.settings.quietHours.criticalBypass && row.severity === 'critical')) return this.count('quiet_hours');
      return true;
    });
    if (due.length === 0) return [];
    for (const row of due) this.lastNotified.set(key(row), now);
    this.sentAt = this.sentAt.filter((t) => now - t < 60_000);
    const recent = this.sentAt.filter((t) => now - t < this.settings.digestWindowMs).length;
    if (this.pending.length > 0 || recent + due.length > this.settings.digestThreshold) {
      // A burst: gather, and speak once when the digest is due (takeDigest).
      this.pending.push(...due);
      this.suppressed.digested += due.length;
      this.digestAt ??= now + this.settings.digestDelayMs;
      return [];
    }
    if (this.sentAt.length + due.length > this.settings.capPerMinute) return this.drop('capped', due.length);
    this.sentAt.push(...due.map(() => now));
    return due.map(single);
  }

  /** When the gathered digest should be shown, or null when nothing is gathered. */
  digestDueAt(): number | null {
    return this.digestAt;
  }

  /** The digest of everything gathered since the burst began (null if none, or if the cap is reached). */
  takeDigest(): NotificationRequest | null {
    const rows = this.pending;
    this.pending = [];
    this.digestAt = null;
    if (rows.length === 0) return null;
    const now = this.clock.now();
    this.sentAt = this.sentAt.filter((t) => now - t < 60_000);
    if (this.sentAt.length >= this.settings.capPerMinute) {
      this.suppressed.capped += rows.length;
      return null;
    }
    this.sentAt.push(now);
    const { title, body } = digestText(rows);
    return { kind: 'digest', title, body, urgency: rows.some((r) => r.severity === 'critical') ? 'critical' : 'normal' };
  }

  /** A new firing alert the settings care about; not a replay, not a repeat of a firing alert. */
  private qualifies(change: CommittedChange): boolean {
    if (change.replayed || change.event.kind !== 'fired' || change.row.firstSeq !== change.seq) return false;
    const { row } = change;
    if (!this.settings.categories.includes(row.category) || severityRank(row.severity) < severityRank(this.settings.minSeverity) || row.acknowledged) {
      return this.count('filtered');
    }
    return true;
  }

  private windowAllows(window: WindowState): boolean {
    const { when } = this.settings;
    return (when.hidden && !window.visible) || (when.minimized && window.minimized) || (when.unfocused && !window.focused);
  }

  private inQuietHours(now: number): boolean {
    const q = this.settings.quietHours;
    if (!q.enabled) return false;
    const date = new Date(now);
    const minutes = date.getHours() * 60 + date.getMinutes();
    const [sh, sm] = q.start.split(':').map(Number) as [number, number];
    const [eh, em] = q.end.split(':').map(Number) as [number, number];
    const start = sh * 60 + sm;
    const end = eh * 60 + em;
    return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
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

const key = (row: AlertRow) => `${row.feedId}\u0000${row.alertId}`;

function single(row: AlertRow): NotificationRequest {
  return {
    kind: 'alert',
    title: `${row.severity === 'critical' ? 'CRITICAL' : row.severity.toUpperCase()} ${row.category}: ${row.title}`,
    body: [row.host, row.body].filter(Boolean).join(' — ').slice(0, 300),
    urgency: row.severity === 'critical' ? 'critical' : 'normal',
    alert: { feedId: row.feedId, alertId: row.alertId },
  };
}
