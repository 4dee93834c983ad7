/**
 * The tray's state, derived from the active alerts, the feeds' links and the notification
 * state. Worst state wins; a feed that is not live makes the tray say so,
 * because a dead or stale link must never look like all clear. Acknowledged alerts are being
 * handled: they are counted but do not raise the state. The shell only draws the result.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import { severityRank } from '../../../common/protocol/alert.js';
import type {
  DerivedTrayModel,
  TrayLink,
  TrayModel,
  TrayNotificationState,
  TrayState,
} from '../../../common/tray-model.js';

/** Windows truncates tray tooltips at 127 characters. */
export const TOOLTIP_MAX = 127;

const LINK_RANK: Record<TrayLink, number> = { live: 0, syncing: 1, stale: 2, disconnected: 3, 'no-feed': 4 };
const linkOf = (feed: FeedStatus): TrayLink =>
  feed.state === 'live'
    ? 'live'
    : feed.state === 'stale'
      ? 'stale'
      : feed.state === 'disconnected'
        ? 'disconnected'
        : 'syncing';
const STATE_WORDS: Record<Exclude<TrayState, 'disconnected'>, string> = {
  ok: 'all clear',
  warning: 'warnings',
  critical: 'CRITICAL',
  security: 'SECURITY',
};
const LINK_WORDS: Record<Exclude<TrayLink, 'live'>, string> = {
  syncing: 'CONNECTING',
  stale: 'STALE',
  disconnected: 'NOT CONNECTED',
  'no-feed': 'NO FEED',
};

/** "HH:MM" on the local clock. */
const localTime = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** Derive the tray model. */
export function deriveTrayModel(
  alerts: readonly AlertRow[],
  feeds: readonly FeedStatus[],
  notifications: TrayNotificationState,
  formatTime: (ms: number) => string = localTime,
): DerivedTrayModel {
  const firing = alerts.filter((a) => a.status === 'firing');
  const open = firing.filter((a) => a.acknowledged === null);
  const high = (a: AlertRow) => severityRank(a.severity) >= severityRank('high');
  const byState = { security: 0, critical: 0, warning: 0, info: 0 };
  for (const a of open)
    byState[
      a.category === 'security' && high(a)
        ? 'security'
        : high(a)
          ? 'critical'
          : a.severity === 'warning'
            ? 'warning'
            : 'info'
    ]++;
  const counts = {
    firing: firing.length,
    critical: firing.filter((a) => a.severity === 'critical').length,
    security: firing.filter((a) => a.category === 'security').length,
    unacknowledged: open.length,
  };
  const down = feeds.filter((f) => f.state !== 'live');
  const link =
    feeds.length === 0
      ? 'no-feed'
      : down.map(linkOf).reduce<TrayLink>((worst, l) => (LINK_RANK[l] > LINK_RANK[worst] ? l : worst), 'live');
  const state: TrayState =
    link !== 'live'
      ? 'disconnected'
      : byState.security > 0
        ? 'security'
        : byState.critical > 0
          ? 'critical'
          : byState.warning > 0
            ? 'warning'
            : 'ok';
  const status =
    feeds.length === 0
      ? 'No feed configured'
      : down.length > 0
        ? down.map((f) => `${f.name}: ${f.state}`).join('; ')
        : `${feeds.length === 1 ? '1 feed' : `${feeds.length} feeds`} live`;
  const words = link === 'live' ? STATE_WORDS[state as Exclude<TrayState, 'disconnected'>] : LINK_WORDS[link];
  const countText =
    firing.length === 0
      ? 'no alerts firing'
      : `${firing.length} firing: ${
          [
            byState.security && `${byState.security} security`,
            byState.critical && `${byState.critical} critical`,
            byState.warning && `${byState.warning} warning`,
            firing.length - open.length && `${firing.length - open.length} acked`,
          ]
            .filter(Boolean)
            .join(', ') || 'none needs action'
        }`;
  const snoozedUntil = notifications.snoozedUntil;
  const notificationProblem =
    notifications.health?.state === 'failing'
      ? `Notifications failing: ${notifications.health.lastFailure?.reason ?? 'unknown reason'}`
      : null;
  const quiet = notifications.paused
    ? 'notifications paused'
    : snoozedUntil !== null
      ? `snoozed until ${formatTime(snoozedUntil)}`
      : notificationProblem
        ? 'notifications FAILING'
        : null;
  const tooltip = clip(['Tocsin: ' + words, countText, status, quiet].filter(Boolean).join(' · '), TOOLTIP_MAX);
  return {
    state,
    status,
    counts,
    snoozedUntil,
    notificationsPaused: notifications.paused,
    icon: `tray-${state}`,
    tooltip,
    menuStatus: `${words} — ${status}`,
    link,
    byState,
    notificationProblem,
  };
}

/** The model before the core has reported: not "ok", because nobody knows yet. */
export function startingTrayModel(): DerivedTrayModel {
  return {
    ...deriveTrayModel([], [], { snoozedUntil: null, paused: false }),
    status: 'Starting…',
    menuStatus: 'Starting…',
    link: 'syncing',
    tooltip: 'Tocsin: starting…',
  };
}

/**
 * The model while the core is down and being restarted: the disconnected (worst) state, because
 * nothing reaches the console; the last known counts; `status` says why ("Core restarting: …").
 */
export function coreDownTrayModel(
  last: TrayModel | null,
  status: string,
  notifications: TrayNotificationState,
): DerivedTrayModel {
  const base = deriveTrayModel([], [], notifications);
  return {
    ...base,
    state: 'disconnected',
    icon: 'tray-disconnected',
    link: 'disconnected',
    counts: last?.counts ?? base.counts,
    byState: last?.byState ?? base.byState,
    status,
    menuStatus: `CORE DOWN — ${status}`,
    tooltip: clip(`Tocsin: CORE DOWN · ${status}`, TOOLTIP_MAX),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
