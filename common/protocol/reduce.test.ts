import { describe, expect, it } from 'vitest';
import type { AlertEvent } from './alert.js';
import { reduceAlert } from './reduce.js';

const fired = (at: number): AlertEvent => ({
  kind: 'fired',
  alertId: 'a1',
  source: 'demo',
  at,
  alert: { title: 'db-01 down', body: '', severity: 'critical', category: 'outage', labels: {}, startsAt: at },
});

describe('reduceAlert', () => {
  it('starts an alert on fired and ignores actions on unknown alerts', () => {
    expect(
      reduceAlert(undefined, { kind: 'acknowledged', alertId: 'a1', source: 'demo', at: 1, by: 'ann' }, 1),
    ).toBeUndefined();
    const state = reduceAlert(undefined, fired(10), 1)!;
    expect(state).toMatchObject({ status: 'firing', firstSeq: 1, lastSeq: 1, acknowledged: null, title: 'db-01 down' });
  });
  it('keeps the acknowledgement while a firing alert repeats, and clears it for a new episode', () => {
    let state = reduceAlert(undefined, fired(10), 1);
    state = reduceAlert(
      state,
      { kind: 'acknowledged', alertId: 'a1', source: 'demo', at: 11, by: 'ann', comment: 'on it' },
      2,
    );
    state = reduceAlert(state, fired(12), 3);
    expect(state).toMatchObject({ acknowledged: { by: 'ann', at: 11, comment: 'on it' }, firstSeq: 1, lastSeq: 3 });
    state = reduceAlert(state, { kind: 'resolved', alertId: 'a1', source: 'demo', at: 13, endsAt: 13 }, 4);
    expect(state?.status).toBe('resolved');
    state = reduceAlert(state, fired(14), 5);
    expect(state).toMatchObject({ status: 'firing', acknowledged: null, firstSeq: 5 });
  });
  it('records snoozes and clears acknowledgements on unacknowledge', () => {
    let state = reduceAlert(undefined, fired(10), 1);
    state = reduceAlert(state, { kind: 'snoozed', alertId: 'a1', source: 'demo', at: 11, by: 'ann', until: 99 }, 2);
    state = reduceAlert(state, { kind: 'acknowledged', alertId: 'a1', source: 'demo', at: 12, by: 'ann' }, 3);
    state = reduceAlert(state, { kind: 'unacknowledged', alertId: 'a1', source: 'demo', at: 13, by: 'bob' }, 4);
    expect(state).toMatchObject({ snoozedUntil: 99, acknowledged: null, lastSeq: 4, updatedAt: 13 });
  });
});
