/**
 * The cluster's shared maps against a real nats-server: values by any key, compare-and-set, and
 * every entry read back in one pass, deleted keys left out and an empty or all-deleted map
 * answered without waiting.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { startNats, type NatsCluster } from '../../tests/support/nats.js';
import { LeaderLease } from './leader-lease.js';
import { NatsClusterRole } from './nats-role.js';

let nats: NatsCluster;
let nc: NatsConnection;
let role: NatsClusterRole;
beforeAll(async () => {
  nats = await startNats(1);
  nc = await connect({ servers: nats.servers });
  const log = () => {};
  const lease = await LeaderLease.open(nc, {
    bucket: 'maps-leases',
    replicas: 1,
    holder: 'g1',
    ttlMs: 5_000,
    clock: systemClock,
    log,
  });
  role = new NatsClusterRole(nc, lease, { stream: 'maps', replicas: 1, log });
}, 30_000);
afterAll(async () => {
  await role?.close();
  await nc?.close();
  await nats?.stop();
});

describe('a shared map on NATS KV', () => {
  it('reads back every live entry in one pass, keys of any characters, deleted ones left out', async () => {
    const map = await role.sharedMap<{ n: number }>('subscriptions');
    expect(await map.entries()).toEqual([]);
    const keys = Array.from({ length: 300 }, (_, n) => `https://push.example.test/ep/${n}?a=b&c=%20d`);
    for (const [n, key] of keys.entries()) await map.put(key, { n });
    await map.put('', { n: -1 });
    for (const key of keys.slice(0, 100)) await map.delete(key);
    await map.put(keys[0]!, { n: 1000 });
    const started = Date.now();
    const entries = await map.entries();
    const elapsed = Date.now() - started;
    expect(new Map(entries)).toEqual(
      new Map([
        ['', { n: -1 }],
        [keys[0]!, { n: 1000 }],
        ...keys.slice(100).map((key, i) => [key, { n: i + 100 }] as const),
      ]),
    );
    // One pass, not a wait for quiet (a second) nor a request per key.
    expect(elapsed).toBeLessThan(900);
  });

  it('answers at once for a map whose every key was deleted', async () => {
    const map = await role.sharedMap<number>('emptied');
    await map.put('a', 1);
    await map.put('b', 2);
    await map.delete('a');
    await map.delete('b');
    const started = Date.now();
    expect(await map.entries()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('writes with compare-and-set only over the revision it read', async () => {
    const map = await role.sharedMap<string>('claims');
    expect(await map.putIf('step', 'mine', null)).toBe(true);
    expect(await map.putIf('step', 'yours', null)).toBe(false);
    const read = (await map.read('step'))!;
    expect(read.value).toBe('mine');
    expect(await map.putIf('step', 'sent', read.revision)).toBe(true);
    expect(await map.putIf('step', 'again', read.revision)).toBe(false);
    expect(await map.get('step')).toBe('sent');
  });
});
