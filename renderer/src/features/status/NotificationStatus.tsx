/**
 * Whether native notifications reach the user: quiet when they do, loud when they fail (no
 * notification server, no notify-send), plain when this console runs without them. The
 * tooltip counts the alerts the policy held back and why; every one of them is in the history.
 */
import type { NotificationHealth } from '../../../../common/notify/health';

const REASONS: Record<keyof NotificationHealth['suppressed'], string> = {
  window: 'window in view',
  filtered: 'below the rules',
  cooldown: 'cooldown',
  quiet_hours: 'quiet hours',
  snoozed: 'snoozed',
  paused: 'paused',
  capped: 'over the cap',
  digested: 'in a digest',
};

/** "12 window in view, 3 cooldown", or null when nothing was held back. */
export function describeSuppressed(suppressed: NotificationHealth['suppressed']): string | null {
  const parts = (Object.keys(REASONS) as Array<keyof typeof REASONS>)
    .filter((k) => suppressed[k] > 0)
    .map((k) => `${suppressed[k]} ${REASONS[k]}`);
  return parts.length ? parts.join(', ') : null;
}

export function NotificationStatus({ health }: { health: NotificationHealth | null }) {
  if (!health) return null;
  const held = describeSuppressed(health.suppressed);
  const tooltip = [`${health.shown} shown, ${health.failed} failed`, held && `not shown: ${held}`, health.warning]
    .filter(Boolean)
    .join(' · ');
  if (health.mode === 'off') {
    return (
      <span className="feed notify-off" data-testid="notification-status" title={tooltip}>
        <span aria-hidden="true">○</span> Notifications off
      </span>
    );
  }
  if (health.state === 'failing') {
    return (
      <span className="feed feed-disconnected" data-testid="notification-status" title={tooltip}>
        <span aria-hidden="true">✕</span> <strong>Notifications failing</strong>:{' '}
        {health.lastFailure?.reason ?? 'unknown reason'}
      </span>
    );
  }
  return (
    <span
      className={`feed notify-${health.state}${health.warning ? ' notify-warning' : ''}`}
      data-testid="notification-status"
      title={tooltip}
    >
      <span aria-hidden="true">●</span> Notifications {health.state === 'ok' ? `on · ${health.shown} shown` : 'ready'}
      {health.warning && <span className="detail-text"> · {health.warning}</span>}
    </span>
  );
}
