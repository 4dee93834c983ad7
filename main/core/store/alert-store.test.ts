/**
 * AlertStore.applySnapshot against a real SQLite file: what the snapshot omits ended during the
 * gap, however many alerts are firing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertState } from '../../../common/protocol/alert.js';
import { AlertStore, type ReceivedEvent } from './alert-store.js';

const stores: AlertStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const fired = (alertId: string, at: number): AlertEvent => ({
  kind: 'fired',
  alertId,
  source: 's',
  at,
  alert: { title: alertId, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: at },
});

describe('AlertStore.applySnapshot', () => {
  it('ends an alert the snapshot omits even when the feed has more firing alerts than an active-alerts page holds', () => {
    const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-store-')), 'history.sqlite'));
    stores.push(store);
    // 20,001 firing alerts in one feed (more than activeAlerts' 20,000); the oldest ends during the gap.
    const n = 20_001;
    const events: ReceivedEvent[] = Array.from({ length: n }, (_, i) => ({
      seq: i + 1,
      event: fired(`a${i}`, 1_000 + i),
    }));
    for (let i = 0; i < n; i += 5_000) store.commit('f', events.slice(i, i + 5_000), false);
    store.commit('other', [{ seq: 1, event: fired('elsewhere', 1) }], false);
    const stillFiring: AlertState[] = [];
    for (let i = 1; i < n; i++) stillFiring.push(store.alertState('f', `a${i}`)!);
    const rows = store.applySnapshot('f', stillFiring, { from: n + 1, to: n + 99 }, 50_000);
    expect(store.alertState('f', 'a0')).toMatchObject({ status: 'resolved', updatedAt: 50_000 });
    expect(rows.filter((r) => r.status === 'resolved')).toEqual([
      expect.objectContaining({ feedId: 'f', alertId: 'a0', updatedAt: 50_000 }),
    ]);
    expect(rows).toHaveLength(n);
    expect(store.alertState('f', `a${n - 1}`)?.status).toBe('firing');
    expect(store.alertState('other', 'elsewhere')?.status).toBe('firing'); // another feed's alerts are not this snapshot's
    expect(store.cursor('f')).toBe(n + 99);
  });
});
