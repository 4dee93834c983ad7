/**
 * One status per feed, loud when it is not live: a lost or stale feed must never look like
 * "all clear" (DESIGN.md). The console link itself (browser console only) is shown too.
 */
import { useEffect, useState } from 'react';
import type { FeedStatus } from '../../../../preload/contract';
import type { ShellLink } from '../../api/socket-api';
import { formatAge } from '../../components/SeverityBadge';

const STATE: Record<FeedStatus['state'], { label: string; glyph: string }> = {
  live: { label: 'Live', glyph: '●' },
  connecting: { label: 'Connecting', glyph: '◌' },
  resyncing: { label: 'Resyncing', glyph: '↻' },
  stale: { label: 'Stale', glyph: '◐' },
  disconnected: { label: 'Disconnected', glyph: '✕' },
};

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function StatusBar({ feeds, link, onAddFeed }: { feeds: readonly FeedStatus[]; link: ShellLink; onAddFeed: () => void }) {
  const now = useNow(1000);
  return (
    <div className="status-bar" role="status" aria-label="Feed status">
      {link !== 'open' && (
        <span className="feed feed-disconnected" data-testid="console-link">
          ✕ Console link {link === 'closed' ? 'lost: reconnecting' : 'connecting'}
        </span>
      )}
      {feeds.length === 0 && link === 'open' && <span className="feed feed-connecting">◌ No feed yet</span>}
      {feeds.map((feed) => {
        const state = STATE[feed.state];
        return (
          <span key={feed.feedId} className={`feed feed-${feed.state}`} data-testid={`feed-${feed.feedId}`} title={feed.url}>
            <span aria-hidden="true">{state.glyph}</span> <strong>{state.label}</strong> {feed.name}
            {feed.embedded && <span className="muted"> (embedded demo, no real alerts)</span>}
            {feed.state !== 'live' && <span className="muted"> for {formatAge(now - feed.since)}</span>}
            {feed.state === 'disconnected' && feed.nextRetryAt !== null && (
              <span className="muted"> · retry in {formatAge(Math.max(0, feed.nextRetryAt - now))}</span>
            )}
            {feed.lastError && feed.state !== 'live' && <span className="muted"> · {feed.lastError}</span>}
          </span>
        );
      })}
      {feeds.some((f) => f.embedded) && (
        <button type="button" className="link-button" onClick={onAddFeed}>
          Add a real feed
        </button>
      )}
    </div>
  );
}
