/**
 * History: full-text search over every alert ever received, with filters and a time range,
 * keyset paging, a per-minute chart, an alert's timeline, and CSV/JSON export. Text from the
 * network sits in `<bdi>`, and a title or host is one line with an ellipsis (whole in `title`).
 */
import { useCallback, useEffect, useState } from 'react';
import type { AlertFilter, AlertRow, MinuteCount } from '../../../../common/api/contract';
import { SEVERITIES, type Severity } from '../../../../common/protocol/alert';
import type { ConsoleApi } from '../../api/get-api';
import { MinuteChart } from '../../components/MinuteChart';
import { CategoryBadge, SeverityBadge } from '../../components/SeverityBadge';

const RANGES = { '1 h': 3600_000, '24 h': 86_400_000, '7 d': 7 * 86_400_000, '30 d': 30 * 86_400_000 } as const;
type Range = keyof typeof RANGES;
const PAGE = 100;

export function HistoryView({
  api,
  onOpen,
  onError,
}: {
  api: ConsoleApi;
  onOpen: (row: AlertRow) => void;
  onError: (message: string) => void;
}) {
  const [text, setText] = useState('');
  const [severity, setSeverity] = useState<Severity | 'any'>('any');
  const [range, setRange] = useState<Range>('24 h');
  const [rows, setRows] = useState<AlertRow[]>([]);
  const [total, setTotal] = useState(0);
  const [counts, setCounts] = useState<MinuteCount[]>([]);
  const [span, setSpan] = useState({ from: 0, to: 0 });

  const filter = useCallback((): AlertFilter => {
    const to = Date.now();
    return {
      status: 'any',
      from: to - RANGES[range],
      to,
      ...(text.trim() ? { text: text.trim() } : {}),
      ...(severity !== 'any' ? { severities: [severity] } : {}),
    };
  }, [text, severity, range]);

  const search = useCallback(async () => {
    const f = filter();
    const [page, minutes] = await Promise.all([
      api.searchHistory({ filter: f, limit: PAGE }),
      api.minuteCounts({ from: f.from!, to: f.to! }),
    ]);
    if (!page.ok) return onError(page.message);
    setRows(page.value.rows);
    setTotal(page.value.total);
    setSpan({ from: f.from!, to: f.to! });
    if (minutes.ok) setCounts(minutes.value);
  }, [api, filter, onError]);

  useEffect(() => {
    const timer = setTimeout(() => void search(), 200); // debounce typing
    return () => clearTimeout(timer);
  }, [search]);

  const more = async () => {
    const last = rows.at(-1);
    if (!last) return;
    const page = await api.searchHistory({
      filter: filter(),
      limit: PAGE,
      before: { at: last.updatedAt, seq: last.firstSeq },
    });
    if (page.ok) setRows([...rows, ...page.value.rows]);
    else onError(page.message);
  };

  const exportAs = async (format: 'csv' | 'json') => {
    const result = await api.exportHistory({ filter: filter(), format });
    if (!result.ok) return onError(result.message);
    const url = URL.createObjectURL(new Blob([result.value.content], { type: result.value.mimeType }));
    const link = Object.assign(document.createElement('a'), { href: url, download: result.value.filename });
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="history" aria-label="History">
      <div className="filters" role="search">
        <input
          type="search"
          aria-label="Search history"
          placeholder="Search title, body, labels and host"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity | 'any')}>
            <option value="any">any</option>
            {[...SEVERITIES].reverse().map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div role="group" aria-label="Time range">
          {(Object.keys(RANGES) as Range[]).map((r) => (
            <button key={r} type="button" className="chip" aria-pressed={range === r} onClick={() => setRange(r)}>
              {r}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
      </div>
      <MinuteChart counts={counts} from={span.from} to={span.to} label={`Alerts per minute over the last ${range}`} />
      <p className="muted history-total" data-testid="history-total">
        {total} alerts match · showing {rows.length}
      </p>
      <table className="history-table">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Category</th>
            <th>Alert</th>
            <th>Host</th>
            <th>Status</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={`${row.feedId}-${row.alertId}`}
              data-testid="history-row"
              tabIndex={0}
              onClick={() => onOpen(row)}
              onKeyDown={(e) => e.key === 'Enter' && onOpen(row)}
            >
              <td>
                <SeverityBadge severity={row.severity} />
              </td>
              <td>
                <CategoryBadge category={row.category} />
              </td>
              <td>
                <span className="clip" title={row.title}>
                  <bdi>{row.title}</bdi>
                </span>
              </td>
              <td className="mono">
                <span className="clip host" title={row.host}>
                  <bdi>{row.host ?? '—'}</bdi>
                </span>
              </td>
              <td>
                {row.status}
                {row.acknowledged && (
                  <>
                    {' '}
                    · ✓ <bdi>{row.acknowledged.by}</bdi>
                  </>
                )}
              </td>
              <td className="muted">{new Date(row.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length < total && (
        <button type="button" className="more" onClick={() => void more()}>
          Load {Math.min(PAGE, total - rows.length)} more
        </button>
      )}
    </section>
  );
}
