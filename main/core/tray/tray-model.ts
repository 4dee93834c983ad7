/**
 * The tray's state, derived from the active alerts and the feeds' links (DESIGN.md "Tray").
 * Worst state wins; a feed that is not live makes the tray say "disconnected", because a
 * dead link must never look like all clear. Acknowledged alerts are being handled: they are
 * counted but do not raise the state.
 */
import type { AlertRow, FeedStatus } from '../../../preload/contract.js';
import { severityRank } from '../protocol/alert.js';

/** The tray's worst state; each has its own icon shape (resources/tray). */
export const TRAY_STATES = ['ok', 'warning', 'critical', 'security', 'disconnected'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** What the core tells the shell; the shell only draws it. */
export type TrayModel = {
  state: TrayState;
  /** One line about the feeds, e.g. "2 feeds live" or "prod: disconnected". */
  status: string;
  counts: { firing: number; critical: number; security: number; unacknowledged: number };
  snoozedUntil: number | null;
  notificationsPaused: boolean;
};

/** Derive the tray model. */
export function deriveTrayModel(
  alerts: readonly AlertRow[],
  feeds: readonly FeedStatus[],
  notifications: { snoozedUntil: number | null; paused: boolean },
): TrayModel {
  const firing = alerts.filter((a) => a.status === 'firing');
  const open = firing.filter((a) => a.acknowledged === null);
  const high = (a: AlertRow) => severityRank(a.severity) >= severityRank('high');
  const counts = {
    firing: firing.length,
    critical: firing.filter((a) => a.severity === 'critical').length,
    security: firing.filter((a) => a.category === 'security').length,
    unacknowledged: open.length,
  };
  const down = feeds.filter((f) => f.state !== 'live');
  const state: TrayState =
    feeds.length === 0 || down.length > 0 ? 'disconnected'
    : open.some((a) => a.category === 'security' && high(a)) ? 'security'
    : open.some(high) ? 'critical'
    : open.some((a) => a.severity === 'warning') ? 'warning'
    : 'ok';
  const status =
    feeds.length === 0 ? 'No feed configured'
    : down.length > 0 ? down.map((f) => `${f.name}: ${f.state}`).join('; ')
    : `${feeds.length === 1 ? '1 feed' : `${feeds.length} feeds`} live`;
  return { state, status, counts, snoozedUntil: notifications.snoozedUntil, notificationsPaused: notifications.paused };
}
