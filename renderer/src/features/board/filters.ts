/**
 * The board's filters and grouping: applied in the renderer to the active set (the core pushes
 * every active alert), persisted across launches in localStorage.
 */
import type { AlertRow } from '../../../../common/api/contract';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../../../common/protocol/alert';

export type BoardGrouping = 'severity' | 'host' | 'flat';
export type BoardFilters = {
  text: string;
  severities: Severity[];
  category: Category | 'any';
  /** One source (`demo`, `alertmanager`, `http`, …) or any. */
  source: string;
  /** `name` (the label is present) or `name=value`. */
  label: string;
  acknowledged: 'any' | 'yes' | 'no';
  group: BoardGrouping;
};
export const NO_FILTERS: BoardFilters = {
  text: '',
  severities: [],
  category: 'any',
  source: 'any',
  label: '',
  acknowledged: 'any',
  group: 'severity',
};
const STORAGE_KEY = 'tocsin.board.filters';

/** The saved filters; anything unreadable or of the wrong type falls back to "no filter". */
export function loadFilters(storage: Storage): BoardFilters {
  let saved: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) saved = parsed as Record<string, unknown>;
  } catch {
    // A corrupt entry is ignored: the board must still open.
  }
  const text = (key: string, fallback: string) => (typeof saved[key] === 'string' ? (saved[key] as string) : fallback);
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T =>
    allowed.includes(saved[key] as T) ? (saved[key] as T) : fallback;
  return {
    text: text('text', ''),
    severities: Array.isArray(saved.severities)
      ? SEVERITIES.filter((s) => (saved.severities as unknown[]).includes(s))
      : [],
    category: oneOf('category', ['any', ...CATEGORIES], 'any'),
    source: text('source', 'any'),
    label: text('label', ''),
    acknowledged: oneOf('acknowledged', ['any', 'yes', 'no'], 'any'),
    group: oneOf('group', ['severity', 'host', 'flat'], 'severity'),
  };
}

export function saveFilters(storage: Storage, filters: BoardFilters): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(filters));
  } catch {
    // Storage full or disabled: filters then last for this session only.
  }
}

/** True when some filter narrows the board (grouping does not count). */
export function isFiltering(filters: BoardFilters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.severities.length > 0 ||
    filters.category !== 'any' ||
    filters.source !== 'any' ||
    filters.label.trim() !== '' ||
    filters.acknowledged !== 'any'
  );
}

function labelMatcher(spec: string): ((labels: Record<string, string>) => boolean) | null {
  const trimmed = spec.trim();
  if (!trimmed) return null;
  const at = trimmed.indexOf('=');
  if (at < 0) return (labels) => Object.hasOwn(labels, trimmed);
  const name = trimmed.slice(0, at).trim();
  const value = trimmed.slice(at + 1).trim();
  return (labels) => Object.hasOwn(labels, name) && labels[name] === value;
}

/** Newest first: when the alert fired, then its first sequence number. */
export const newestFirst = (a: AlertRow, b: AlertRow) => b.startsAt - a.startsAt || b.firstSeq - a.firstSeq;

/** The alerts that pass every filter, newest first. */
export function applyFilters(alerts: Iterable<AlertRow>, filters: BoardFilters): AlertRow[] {
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  const label = labelMatcher(filters.label);
  const rows: AlertRow[] = [];
  for (const row of alerts) {
    if (filters.severities.length && !filters.severities.includes(row.severity)) continue;
    if (filters.category !== 'any' && row.category !== filters.category) continue;
    if (filters.source !== 'any' && row.source !== filters.source) continue;
    if (filters.acknowledged !== 'any' && (row.acknowledged !== null) !== (filters.acknowledged === 'yes')) continue;
    if (label && !label(row.labels)) continue;
    if (words.length) {
      const haystack = `${row.title} ${row.body} ${row.host ?? ''} ${row.service ?? ''} ${row.source} ${Object.entries(
        row.labels,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) continue;
    }
    rows.push(row);
  }
  return rows.sort(newestFirst);
}

/** A line of the board: a group's heading or an alert. */
export type BoardItem =
  { kind: 'group'; key: string; label: string; count: number; severity: Severity } | { kind: 'alert'; row: AlertRow };

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Lay the (already filtered, newest-first) rows out as the board shows them: flat, or under
 * a heading per severity (most severe first) or per host (the host with the worst alert first).
 */
export function groupRows(rows: readonly AlertRow[], group: BoardGrouping): BoardItem[] {
  if (group === 'flat') return rows.map((row) => ({ kind: 'alert', row }));
  const groups = new Map<string, { severity: Severity; rows: AlertRow[] }>();
  for (const row of rows) {
    const key = group === 'severity' ? row.severity : (row.host ?? '');
    const entry = groups.get(key) ?? { severity: row.severity, rows: [] };
    if (rank(row.severity) > rank(entry.severity)) entry.severity = row.severity;
    entry.rows.push(row);
    groups.set(key, entry);
  }
  const ordered = [...groups.entries()].sort(
    ([a, x], [b, y]) => rank(y.severity) - rank(x.severity) || y.rows.length - x.rows.length || a.localeCompare(b),
  );
  const items: BoardItem[] = [];
  for (const [key, entry] of ordered) {
    const label = group === 'severity' ? key : key || 'no host';
    items.push({ kind: 'group', key: `${group}:${key}`, label, count: entry.rows.length, severity: entry.severity });
    for (const row of entry.rows) items.push({ kind: 'alert', row });
  }
  return items;
}
