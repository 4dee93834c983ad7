/**
 * History queries as plain functions of the database (as Signal does), so each is easy to
 * test and to benchmark on its own.
 */
import type { Database } from 'better-sqlite3';
import type { AlertFilter, AlertRow, MinuteCount, TimelineEntry } from '../../../common/api/contract.js';

type Where = { sql: string[]; params: unknown[] };

/** Turn free text into a safe FTS5 query: every word quoted, prefix-matched, all required. */
export function ftsQuery(text: string): string | null {
  const words = text.split(/\s+/).filter(Boolean).slice(0, 16);
  return words.length ? words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ') : null;
}

/**
 * Past this many full-text matches, the text is checked against candidates found by the other
 * filters (time range, severity, …) rather than driving the query: looking up 100,000 matching
 * rows one by one took 140 ms on a 1,000,000-alert history, checking a day's candidates 18 ms.
 */
const FTS_DRIVES_BELOW = 5_000;

function where(db: Database, filter: AlertFilter): Where {
  const w: Where = { sql: [], params: [] };
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values?.length) return;
    w.sql.push(`${column} IN (${values.map(() => '?').join(',')})`);
    w.params.push(...values);
  };
  inList('severity', filter.severities);
  inList('category', filter.categories);
  inList('source', filter.sources);
  if (filter.status && filter.status !== 'any') {
    w.sql.push('status = ?');
    w.params.push(filter.status);
  }
  if (filter.acknowledged !== undefined) {
    w.sql.push('acknowledged = ?');
    w.params.push(filter.acknowledged ? 1 : 0);
  }
  if (filter.label) {
    w.sql.push('json_extract(labels, ?) = ?');
    w.params.push(`$."${filter.label.name.replaceAll('"', '')}"`, filter.label.value);
  }
  if (filter.from !== undefined) {
    w.sql.push('updated_at >= ?');
    w.params.push(filter.from);
  }
  if (filter.to !== undefined) {
    w.sql.push('updated_at <= ?');
    w.params.push(filter.to);
  }
  const match = filter.text ? ftsQuery(filter.text) : null;
  if (match) {
    // `+rowid` keeps SQLite from using the match list as the driving index (the planner cannot
    // know how many rows a MATCH returns; counting them in the index costs ~5 ms per 100,000).
    const matches = (
      db.prepare('SELECT COUNT(*) AS n FROM alerts_fts WHERE alerts_fts MATCH ?').get(match) as { n: number }
    ).n;
    w.sql.push(
      `${matches < FTS_DRIVES_BELOW ? '' : '+'}rowid IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?)`,
    );
    w.params.push(match);
  }
  return w;
}

const toRow = (row: { feed_id: string; state: string }): AlertRow => ({
  ...(JSON.parse(row.state) as Omit<AlertRow, 'feedId'>),
  feedId: row.feed_id,
});

/** Firing alerts matching the filter, most severe and newest first. */
export function activeAlerts(db: Database, filter: AlertFilter, limit = 20_000): AlertRow[] {
  const w = where(db, { ...filter, status: 'firing' });
  const sql = `SELECT feed_id, state FROM alerts WHERE ${w.sql.join(' AND ')} ORDER BY updated_at DESC LIMIT ?`;
  return (db.prepare(sql).all(...w.params, limit) as Array<{ feed_id: string; state: string }>).map(toRow);
}

/** The ids of one feed's firing alerts, all of them (no page limit: a snapshot must see every one). */
export function firingAlertIds(db: Database, feedId: string): string[] {
  return db
    .prepare<[string], { alert_id: string }>("SELECT alert_id FROM alerts WHERE feed_id = ? AND status = 'firing'")
    .all(feedId)
    .map((r) => r.alert_id);
}

/** Every firing alert of every feed, in no particular order and without a page limit (the tray counts them all). */
export function firingAlerts(db: Database): AlertRow[] {
  return (
    db.prepare("SELECT feed_id, state FROM alerts WHERE status = 'firing'").all() as Array<{
      feed_id: string;
      state: string;
    }>
  ).map(toRow);
}

/** History page: alerts matching the filter, newest first, strictly older than `before`. */
export function searchHistory(
  db: Database,
  filter: AlertFilter,
  limit: number,
  before?: { at: number; seq: number },
): { rows: AlertRow[]; total: number } {
  const w = where(db, filter);
  const total = (
    db
      .prepare(`SELECT COUNT(*) AS n FROM alerts${w.sql.length ? ` WHERE ${w.sql.join(' AND ')}` : ''}`)
      .get(...w.params) as { n: number }
  ).n;
  if (before) {
    w.sql.push('(updated_at < ? OR (updated_at = ? AND first_seq < ?))');
    w.params.push(before.at, before.at, before.seq);
  }
  const sql = `SELECT feed_id, state FROM alerts${w.sql.length ? ` WHERE ${w.sql.join(' AND ')}` : ''} ORDER BY updated_at DESC, first_seq DESC LIMIT ?`;
  return {
    rows: (db.prepare(sql).all(...w.params, limit) as Array<{ feed_id: string; state: string }>).map(toRow),
    total,
  };
}

/** Everything that happened to one alert, oldest first. */
export function timeline(db: Database, feedId: string, alertId: string): TimelineEntry[] {
  const rows = db
    .prepare(
      `SELECT seq, at, kind, by, comment FROM events WHERE feed_id = ? AND alert_id = ?
       UNION ALL SELECT 0 AS seq, at, 'notified' AS kind, NULL, NULL FROM notifications WHERE feed_id = ? AND alert_id = ?
       ORDER BY at, seq`,
    )
    .all(feedId, alertId, feedId, alertId) as Array<{
    seq: number;
    at: number;
    kind: TimelineEntry['kind'];
    by: string | null;
    comment: string | null;
  }>;
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    ...(r.by ? { by: r.by } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
  }));
}

/** Alerts fired per minute in [from, to), by severity, from the rollup (never a scan of history). */
export function minuteCounts(db: Database, from: number, to: number): MinuteCount[] {
  const rows = db
    .prepare(
      'SELECT minute, severity, SUM(n) AS n FROM minute_counts WHERE minute >= ? AND minute < ? GROUP BY minute, severity ORDER BY minute',
    )
    .all(from, to) as Array<{ minute: number; severity: string; n: number }>;
  const byMinute = new Map<number, MinuteCount>();
  for (const row of rows) {
    const bucket = byMinute.get(row.minute) ?? { t: row.minute, total: 0, bySeverity: {} };
    bucket.total += row.n;
    bucket.bySeverity[row.severity] = row.n;
    byMinute.set(row.minute, bucket);
  }
  return [...byMinute.values()];
}

const CSV_COLUMNS = [
  'feedId',
  'alertId',
  'status',
  'severity',
  'category',
  'title',
  'host',
  'service',
  'source',
  'startsAt',
  'updatedAt',
  'acknowledgedBy',
  'body',
] as const;

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets never run it as a formula. */
export function csvField(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Matching alerts as CSV or JSON, newest first, at most `limit` rows. */
export function exportHistory(db: Database, filter: AlertFilter, format: 'csv' | 'json', limit: number): string {
  const { rows } = searchHistory(db, filter, limit);
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const lines = rows.map((r) =>
    CSV_COLUMNS.map((c) =>
      csvField(
        c === 'acknowledgedBy'
          ? r.acknowledged?.by
          : c === 'startsAt' || c === 'updatedAt'
            ? new Date(r[c]).toISOString()
            : r[c],
      ),
    ).join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}
