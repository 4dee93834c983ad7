import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { startNats, type NatsCluster } from '../../tests/support/nats.js';
import { until } from '../../tests/support/until.js';
import { LeaderLease } from './leader-lease.js';

let nats: NatsCluster;
const connections: NatsConnection[] = [];
beforeAll(async () => {
  nats = await startNats(1);
}, 30_000);
afterAll(async () => {
  for (const nc of connections) await nc.close();
  await nats?.stop();
});

async function lease(holder: string, bucket: string, ttlMs = 1_500) {
  const nc = await connect({ servers: nats.servers });
  connections.push(nc);
  return {
    nc,
    lease: await LeaderLease.open(nc, { bucket, replicas: 1, holder, ttlMs, clock: systemClock, log: () => {} }),
  };
}

describe('the leader lease on nats-server 2.9 (bucket max_age, compare-and-set)', () => {
  it('has one leader; when it dies without a word, the lease expires and another takes over, never both', async () => {
    const a = await lease('a', 'L1');
    const b = await lease('b', 'L1');
    await a.lease.start();
    await b.lease.start();
    expect([a.lease.isLeader(), b.lease.isLeader()]).toEqual([true, false]);
    // a stays leader while it renews: longer than the TTL.
    let both = 0;
    const watch = setInterval(() => void (a.lease.isLeader() && b.lease.isLeader() && both++), 10);
    await new Promise((r) => setTimeout(r, 3_000));
    expect([a.lease.isLeader(), b.lease.isLeader()]).toEqual([true, false]);
    // a dies: its connection goes, with no delete of the key.
    const died = Date.now();
    await a.nc.close();
    await until(() => b.lease.isLeader(), 5_000, 'b leader after the lease expired');
    const tookOver = Date.now() - died;
    clearInterval(watch);
    expect(both).toBe(0);
    expect(tookOver).toBeGreaterThan(1_000);
    expect(tookOver).toBeLessThan(1_500 + 1_000);
    // a's own view: no longer leader once its TTL passed without a renewal.
    expect(a.lease.isLeader()).toBe(false);
    await b.lease.stop();
  });

  it('hands the lease over at once when its leader stops cleanly', async () => {
    const a = await lease('a', 'L2', 10_000);
    const b = await lease('b', 'L2', 10_000);
    await a.lease.start();
    await b.lease.start();
    expect(a.lease.isLeader()).toBe(true);
    await a.lease.stop();
    await until(() => b.lease.isLeader(), 5_000, 'b leader after a stopped');
    await b.lease.stop();
  });
});
