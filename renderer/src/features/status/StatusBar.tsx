/**
 * One status per feed, loud when it is not live: a lost or stale feed must never look like
 * "all clear". Each state has its own colour, shape and word; a state that is not
 * live says since when, and a disconnected one when it retries. The browser console's own
 * link to the core is shown too: when it is down, the feeds' last known states are not news.
 * So is the core itself: while it is being restarted every feed carries the outage, and the bar
 * leads with "Core restarting — <reason>" rather than leaving a calm-looking board. And when a
 * feed's gateway says escalation reaches nobody (every channel failing), the bar says that too:
 * people away from a console are relying on it.
 */
import type { CoreOutage, FeedStatus } from '../../../../common/api/contract';
import type { ShellLink } from '../../api/socket-api';
import { formatAge } from '../../components/SeverityBadge';
import { useNow } from '../../hooks/useNow';
import type { NotificationHealth } from '../../../../common/notify/health';
import { NotificationStatus } from './NotificationStatus';

const STATE: Record<FeedStatus['state'], { label: string; glyph: string }> = {
  live: { label: 'Live', glyph: '●' },
  connecting: { label: 'Connecting', glyph: '◌' },
  resyncing: { label: 'Resyncing', glyph: '↻' },
  stale: { label: 'Stale', glyph: '◐' },
  disconnected: { label: 'Disconnected', glyph: '✕' },
};

const clock = (at: number) =>
  new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function ConsoleLink({ link, now }: { link: ShellLink; now: number }) {
  if (link.state === 'open') return null;
  return (
    <span className="feed feed-disconnected" data-testid="console-link">
      <span aria-hidden="true">✕</span>{' '}
      <strong>{link.state === 'closed' ? 'Console link lost' : 'Connecting to the console'}</strong>
      {link.state === 'closed' && <span> since {clock(link.since)}</span>}
      {link.nextRetryAt !== null && (
        <span className="detail-text"> · retry in {formatAge(Math.max(0, link.nextRetryAt - now))}</span>
      )}
      <span className="detail-text"> · feed states below are the last known</span>
    </span>
  );
}

/** The core is down and being restarted: the first thing in the bar, never a quiet board. */
function CoreStatus({ outage, now }: { outage: CoreOutage; now: number }) {
  const retry =
    outage.nextRetryAt === null ? 'starting now' : `retrying in ${formatAge(Math.max(0, outage.nextRetryAt - now))}`;
  return (
    <span className="feed feed-disconnected core-outage" data-testid="core-status">
      <span aria-hidden="true">✕</span>{' '}
      {outage.state === 'failing' ? (
        <>
          <strong>Core keeps failing</strong>: {outage.reason}; {retry}
        </>
      ) : (
        <>
          <strong>Core restarting</strong> — {outage.reason} · {retry}
        </>
      )}
      <span className="detail-text"> · alerts are not being received; the board shows the last known</span>
    </span>
  );
}

type Props = {
  feeds: readonly FeedStatus[];
  link: ShellLink;
  notifications: NotificationHealth | null;
  onAddFeed: () => void;
};

export function StatusBar({ feeds, link, notifications, onAddFeed }: Props) {
  const now = useNow(1000);
  const linkDown = link.state !== 'open';
  const outage = feeds.find((f) => f.core)?.core ?? null;
  return (
    <div className="status-bar" role="status" aria-label="Feed status">
      <ConsoleLink link={link} now={now} />
      {outage && <CoreStatus outage={outage} now={now} />}
      {feeds.length === 0 && !linkDown && (
        <span className="feed feed-connecting">
          <span aria-hidden="true">◌</span> <strong>No feed yet</strong>
        </span>
      )}
      {feeds.map((feed) => {
        const state = STATE[feed.state];
        return (
          <span
            key={feed.feedId}
            className={`feed feed-${feed.state}${linkDown ? ' feed-unknown' : ''}`}
            data-testid={`feed-${feed.feedId}`}
            title={feed.url}
          >
            <span aria-hidden="true">{state.glyph}</span> <strong>{state.label}</strong> {feed.name}
            {feed.embedded && <span className="demo-tag"> demo feed: simulated alerts, not your systems</span>}
            {feed.state !== 'live' && (
              <span className="detail-text">
                {' '}
                for {formatAge(now - feed.since)} (since {clock(feed.since)})
              </span>
            )}
            {feed.state === 'disconnected' && feed.nextRetryAt !== null && (
              <span className="detail-text"> · retry in {formatAge(Math.max(0, feed.nextRetryAt - now))}</span>
            )}
            {feed.lastError && feed.state !== 'live' && <span className="detail-text"> · {feed.lastError}</span>}
          </span>
        );
      })}
      {feeds
        .filter((feed) => feed.escalationFailing)
        .map((feed) => (
          <span key={`escalation-${feed.feedId}`} className="feed feed-disconnected" data-testid="escalation-status">
            <span aria-hidden="true">✕</span> <strong>Nobody can be reached</strong> via {feed.name}:{' '}
            <span className="detail-text">{feed.escalationFailing}</span>
          </span>
        ))}
      <NotificationStatus health={notifications} />
      {feeds.some((f) => f.embedded) && (
        <button type="button" className="add-feed-button" onClick={onAddFeed}>
          Add a real feed
        </button>
      )}
    </div>
  );
}
