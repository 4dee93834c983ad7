import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import { AlertStore } from './alert-store.js';
import { csvField } from './queries.js';

const fired = (n: number, at: number, title: string, severity: 'high' | 'critical' = 'high'): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at,
  alert: { title, body: 'line one\nline two', severity, category: 'outage', host: 'db-01', labels: {}, startsAt: at },
});

describe('history export and per-minute counts', () => {
  const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-export-')), 'history.sqlite'));
  store.commit(
    'f',
    [
      { seq: 1, event: fired(1, 60_000, 'Disk full, "db-01"') },
      { seq: 2, event: fired(2, 61_000, '=HYPERLINK("http://evil")', 'critical') },
      { seq: 3, event: fired(3, 125_000, 'Later') },
      { seq: 4, event: { kind: 'acknowledged', alertId: 'a1', source: 'test', at: 126_000, by: 'ann' } },
    ],
    false,
  );

  it('exports CSV with quoting, and defuses spreadsheet formulas', () => {
    const csv = store.exportHistory({}, 'csv', 100).split('\r\n');
    expect(csv[0]).toBe(
      'feedId,alertId,status,severity,category,title,host,service,source,startsAt,updatedAt,acknowledgedBy,body',
    );
    expect(csv).toHaveLength(5); // header, three alerts, trailing empty line
    expect(csv.find((l) => l.includes('a1,'))).toContain('"Disk full, ""db-01"""');
    expect(csv.find((l) => l.includes('a1,'))).toContain(',ann,"line one\nline two"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csv.join('\n')).not.toMatch(/,=HYPERLINK/);
  });

  it('exports JSON rows that match the filter', () => {
    const rows = JSON.parse(store.exportHistory({ severities: ['critical'] }, 'json', 100)) as Array<{
      alertId: string;
    }>;
    expect(rows.map((r) => r.alertId)).toEqual(['a2']);
  });

  it('counts alerts fired per minute from the rollup', () => {
    expect(store.minuteCounts(0, 600_000)).toEqual([
      { t: 60_000, total: 2, bySeverity: { critical: 1, high: 1 } },
      { t: 120_000, total: 1, bySeverity: { high: 1 } },
    ]);
  });
});
