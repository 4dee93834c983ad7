import { describe, expect, it } from 'vitest';
import type { AlertRow } from '../../../../common/api/contract';
import { applyFilters, groupRows, loadFilters, NO_FILTERS, saveFilters } from './filters';

/** A Storage backed by a Map (the shape of localStorage, without a browser). */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

let seq = 0;
const alert = (over: Partial<AlertRow>): AlertRow => ({
  feedId: 'f',
  alertId: `a${++seq}`,
  source: 'http',
  title: 't',
  body: '',
  severity: 'warning',
  category: 'outage',
  labels: {},
  startsAt: seq,
  status: 'firing',
  acknowledged: null,
  snoozedUntil: null,
  firstSeq: seq,
  lastSeq: seq,
  updatedAt: seq,
  ...over,
});

describe('board filters', () => {
  it('round-trip through storage; a corrupt or ill-typed entry falls back field by field', () => {
    const storage = new MemoryStorage();
    const saved = {
      ...NO_FILTERS,
      text: 'db',
      severities: ['critical' as const],
      label: 'team=storage',
      group: 'host' as const,
    };
    saveFilters(storage, saved);
    expect(loadFilters(storage)).toEqual(saved);
    storage.setItem('tocsin.board.filters', '{not json');
    expect(loadFilters(storage)).toEqual(NO_FILTERS);
    storage.setItem(
      'tocsin.board.filters',
      JSON.stringify({ severities: ['critical', 'apocalyptic'], category: 42, acknowledged: 'maybe', text: 'x' }),
    );
    expect(loadFilters(storage)).toEqual({ ...NO_FILTERS, severities: ['critical'], text: 'x' });
  });

  it('label filters take a name or name=value; text matches title, body, host and labels', () => {
    const rows = [
      alert({ title: 'Disk full', labels: { team: 'storage' } }),
      alert({ title: 'CPU', host: 'web-01', labels: { team: 'web', canary: '' } }),
    ];
    expect(applyFilters(rows, { ...NO_FILTERS, label: 'team=web' }).map((r) => r.title)).toEqual(['CPU']);
    expect(applyFilters(rows, { ...NO_FILTERS, label: 'canary' }).map((r) => r.title)).toEqual(['CPU']);
    expect(applyFilters(rows, { ...NO_FILTERS, label: 'team' })).toHaveLength(2);
    expect(applyFilters(rows, { ...NO_FILTERS, text: 'WEB-01' }).map((r) => r.title)).toEqual(['CPU']);
    expect(applyFilters(rows, { ...NO_FILTERS, text: 'team=storage disk' }).map((r) => r.title)).toEqual(['Disk full']);
  });

  it('groups by severity with the most severe group first, newest first inside, or by host', () => {
    const old = alert({ severity: 'critical', host: 'b', startsAt: 1 });
    const info = alert({ severity: 'info', host: 'a', startsAt: 5 });
    const fresh = alert({ severity: 'critical', host: 'a', startsAt: 9 });
    const rows = applyFilters([old, info, fresh], NO_FILTERS);
    const bySeverity = groupRows(rows, 'severity');
    expect(bySeverity.map((i) => (i.kind === 'group' ? `[${i.label} ${i.count}]` : i.row.alertId))).toEqual([
      '[critical 2]',
      fresh.alertId,
      old.alertId,
      '[info 1]',
      info.alertId,
    ]);
    const byHost = groupRows(rows, 'host');
    expect(byHost.map((i) => (i.kind === 'group' ? `[${i.label}]` : i.row.alertId))).toEqual([
      '[a]',
      fresh.alertId,
      info.alertId,
      '[b]',
      old.alertId,
    ]);
    expect(groupRows(rows, 'flat').every((i) => i.kind === 'alert')).toBe(true);
  });
});
