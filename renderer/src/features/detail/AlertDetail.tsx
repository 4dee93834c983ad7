/**
 * One alert: everything the source said (always rendered as text, each piece in a `<bdi>` so
 * a right-to-left override stays inside it), its timeline, and the actions. A link is
 * clickable only when it is https; anything else is shown as plain text. Long values wrap.
 */
import { useEffect, useState } from 'react';
import type { AlertRow, TimelineEntry } from '../../../../common/api/contract';
import type { ConsoleApi } from '../../api/get-api';
import { CategoryBadge, SeverityBadge } from '../../components/SeverityBadge';
import { EscalationLadder } from './EscalationLadder';

export function safeHttpsUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export function AlertDetail({
  row,
  api,
  onClose,
  onError,
}: {
  row: AlertRow;
  api: ConsoleApi;
  onClose: () => void;
  onError: (message: string) => void;
}) {
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [comment, setComment] = useState('');
  const ref = { feedId: row.feedId, alertId: row.alertId };
  useEffect(() => {
    let current = true;
    void api.timeline({ feedId: row.feedId, alertId: row.alertId }).then((result) => {
      if (current && result.ok) setTimeline(result.value);
    });
    return () => {
      current = false;
    };
  }, [api, row.feedId, row.alertId, row.lastSeq]);

  const run = async (action: Promise<{ ok: boolean; message?: string }>) => {
    const result = await action;
    if (!result.ok) onError(result.message ?? 'the action failed');
  };
  const addComment = () => {
    if (comment.trim()) void run(api.comment({ ...ref, text: comment.trim() })).then(() => setComment(''));
  };
  const link = safeHttpsUrl(row.url);
  return (
    <aside className="detail" aria-label="Alert detail">
      <header>
        <SeverityBadge severity={row.severity} /> <CategoryBadge category={row.category} />
        <button type="button" className="close" aria-label="Close detail" onClick={onClose}>
          ✕
        </button>
      </header>
      <h2 data-testid="detail-title">
        <bdi>{row.title}</bdi>
      </h2>
      <p className="mono muted meta" data-testid="detail-meta">
        <bdi>{row.host ?? 'no host'}</bdi> · <bdi>{row.service ?? 'no service'}</bdi> · <bdi>{row.source}</bdi>
      </p>
      <p className="body">
        <bdi>{row.body}</bdi>
      </p>
      {row.url &&
        (link ? (
          <a className="url" href={link} target="_blank" rel="noreferrer noopener">
            <bdi>{link}</bdi>
          </a>
        ) : (
          <p className="mono muted url">
            <bdi>{row.url}</bdi>
          </p>
        ))}
      {safeHttpsUrl(row.runbookUrl) && (
        <a
          className="url runbook"
          data-testid="runbook"
          href={safeHttpsUrl(row.runbookUrl)!}
          target="_blank"
          rel="noreferrer noopener"
        >
          Open runbook
        </a>
      )}
      {(row.links ?? []).some((action) => safeHttpsUrl(action.url)) && (
        <nav className="source-links" aria-label="Links from the source">
          {(row.links ?? []).map(
            (action, i) =>
              safeHttpsUrl(action.url) && (
                <a
                  key={i}
                  className="url source-link"
                  data-testid="source-link"
                  href={safeHttpsUrl(action.url)!}
                  target="_blank"
                  rel="noreferrer noopener"
                >
                  <bdi>{action.title}</bdi>
                </a>
              ),
          )}
        </nav>
      )}
      <dl className="labels">
        {Object.entries(row.labels).map(([name, value]) => (
          <div key={name}>
            <dt>
              <bdi>{name}</bdi>
            </dt>
            <dd>
              <bdi>{value}</bdi>
            </dd>
          </div>
        ))}
      </dl>
      <div className="actions">
        {row.acknowledged ? (
          <button type="button" onClick={() => void run(api.unacknowledge(ref))}>
            Unacknowledge
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => void run(api.acknowledge({ ...ref, ...(comment ? { comment } : {}) }))}
          >
            Acknowledge (a)
          </button>
        )}
        <button type="button" onClick={() => void run(api.snooze({ ...ref, minutes: 60 }))}>
          Snooze 1 h (s)
        </button>
      </div>
      <form
        className="comment"
        onSubmit={(e) => {
          e.preventDefault();
          addComment();
        }}
      >
        <label htmlFor="comment">Comment (c; Ctrl+Enter adds it)</label>
        <textarea
          id="comment"
          value={comment}
          maxLength={16_384}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              addComment();
            }
          }}
        />
        <button type="submit">Add comment</button>
      </form>
      <EscalationLadder api={api} feedId={row.feedId} alertId={row.alertId} version={row.lastSeq} />
      <h3>Timeline</h3>
      <ol className="timeline" data-testid="timeline">
        {timeline.map((entry) => (
          <li key={`${entry.kind}-${entry.seq}-${entry.at}`}>
            <time dateTime={new Date(entry.at).toISOString()}>{new Date(entry.at).toLocaleTimeString()}</time>{' '}
            <strong>{entry.kind}</strong>
            {entry.by && (
              <>
                {' '}
                by <bdi>{entry.by}</bdi>
              </>
            )}
            {entry.comment && (
              <>
                : <bdi>{entry.comment}</bdi>
              </>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}
