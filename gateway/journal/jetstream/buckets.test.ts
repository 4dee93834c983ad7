/**
 * The alert-state bucket read back in one pass, against a real nats-server: every state stored
 * comes back (the last one of the initial values included, which the client flags as an update).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertState } from '../../../common/protocol/alert.js';
import { startNats, type NatsCluster } from '../../../tests/support/nats.js';
import { JournalBuckets } from './buckets.js';

let nats: NatsCluster;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats(1);
  nc = await connect({ servers: nats.servers });
}, 30_000);
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

const state = (n: number): AlertState => ({
  alertId: `a${n}`,
  source: 'test',
  title: `alert ${n}`,
  body: '',
  severity: 'high',
  category: 'outage',
  labels: {},
  startsAt: 1,
  status: 'firing',
  acknowledged: null,
  snoozedUntil: null,
  firstSeq: n,
  lastSeq: n,
  updatedAt: 1,
});

describe('the alert-state bucket', () => {
  it('reads back every state stored, in one pass', async () => {
    const buckets = await JournalBuckets.open(nc, { stream: 'B1', replicas: 1, maxAgeMs: 3_600_000 }, 'journal-1');
    for (let n = 1; n <= 100; n++) await buckets.putState(state(n));
    const read = await buckets.allStates();
    expect(read.map((s) => s.alertId).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `a${i + 1}`).sort());
    // One state only, and none: the edges of the same read.
    const one = await JournalBuckets.open(nc, { stream: 'B2', replicas: 1, maxAgeMs: 3_600_000 }, 'journal-2');
    await one.putState(state(7));
    expect((await one.allStates()).map((s) => s.alertId)).toEqual(['a7']);
    const none = await JournalBuckets.open(nc, { stream: 'B3', replicas: 1, maxAgeMs: 3_600_000 }, 'journal-3');
    expect(await none.allStates()).toEqual([]);
  });
});
