import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import { AlertStore } from './alert-store.js';
import { enforceRetention } from './retention.js';

const DAY = 86_400_000;
const fired = (id: string, at: number, body = ''): AlertEvent => ({
  kind: 'fired',
  alertId: id,
  source: 's',
  at,
  alert: { title: id, body, severity: 'high', category: 'outage', labels: {}, startsAt: at },
});
const resolved = (id: string, at: number): AlertEvent => ({
  kind: 'resolved',
  alertId: id,
  source: 's',
  at,
  endsAt: at,
});
const store = () => AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-retention-')), 'history.sqlite'));

describe('retention', () => {
  it('drops resolved alerts older than the age bound, and never a firing one', () => {
    const s = store();
    const now = 100 * DAY;
    s.commit(
      'f',
      [
        { seq: 1, event: fired('old-resolved', 1 * DAY) },
        { seq: 2, event: resolved('old-resolved', 2 * DAY) },
        { seq: 3, event: fired('old-firing', 1 * DAY) },
        { seq: 4, event: fired('new-resolved', 99 * DAY) },
        { seq: 5, event: resolved('new-resolved', 99 * DAY) },
      ],
      false,
    );
    expect(enforceRetention(s.db, { maxAgeMs: 30 * DAY, maxBytes: 1e12 }, now)).toEqual({ alerts: 1, events: 2 });
    expect(
      s
        .searchHistory({ status: 'any' }, 10)
        .rows.map((r) => r.alertId)
        .sort(),
    ).toEqual(['new-resolved', 'old-firing']);
    expect(s.searchHistory({ text: 'resolved' }, 10).total).toBe(1); // the full-text index followed
    expect(s.cursor('f')).toBe(5); // the resume cursor is untouched
  });

  it('trims the oldest resolved alerts until the history fits the size bound', () => {
    const s = store();
    const body = 'x'.repeat(4_000);
    for (let i = 0; i < 400; i++)
      s.commit(
        'f',
        [
          { seq: 2 * i + 1, event: fired(`a${i}`, i * 1000, body) },
          { seq: 2 * i + 2, event: resolved(`a${i}`, i * 1000 + 1) },
        ],
        false,
      );
    s.commit('f', [{ seq: 10_000, event: fired('still-firing', 0, body) }], false);
    const result = enforceRetention(s.db, { maxAgeMs: 1e15, maxBytes: 2_000_000 }, 1e6);
    expect(result.alerts).toBeGreaterThan(100);
    const left = s.searchHistory({ status: 'any' }, 1000).rows.map((r) => r.alertId);
    expect(left).toContain('still-firing');
    expect(left).not.toContain('a0'); // oldest went first
    expect(left).toContain('a399');
    const used =
      ((s.db.pragma('page_count', { simple: true }) as number) -
        (s.db.pragma('freelist_count', { simple: true }) as number)) *
      4096;
    expect(used).toBeLessThanOrEqual(2_000_000);
  });
});
