/** The board's filters: applied in the renderer to the active set, persisted across launches. */
import type { AlertRow } from '../../../../preload/contract';
import { SEVERITIES, type Category, type Severity } from '../../../../main/core/protocol/alert';

export type BoardFilters = { text: string; severities: Severity[]; category: Category | 'any'; acknowledged: 'any' | 'yes' | 'no' };
export const NO_FILTERS: BoardFilters = { text: '', severities: [], category: 'any', acknowledged: 'any' };
const STORAGE_KEY = 'tocsin.board.filters';

export function loadFilters(storage: Storage): BoardFilters {
  try {
    return { ...NO_FILTERS, ...(JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}') as Partial<BoardFilters>) };
  } catch {
    return NO_FILTERS;
  }
}

export function saveFilters(storage: Storage, filters: BoardFilters): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(filters));
}

/** Matching alerts, most severe first, then newest. */
export function applyFilters(alerts: Iterable<AlertRow>, filters: BoardFilters): AlertRow[] {
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  const rows: AlertRow[] = [];
  for (const row of alerts) {
    if (filters.severities.length && !filters.severities.includes(row.severity)) continue;
    if (filters.category !== 'any' && row.category !== filters.category) continue;
    if (filters.acknowledged !== 'any' && (row.acknowledged !== null) !== (filters.acknowledged === 'yes')) continue;
    if (words.length) {
      const haystack = `${row.title} ${row.body} ${row.host ?? ''} ${row.source} ${Object.entries(row.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) continue;
    }
    rows.push(row);
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return rows.sort((a, b) => rank(b.severity) - rank(a.severity) || b.updatedAt - a.updatedAt);
}
