/**
 * Gateways as a cluster (issue #18), against real parts: a three-node nats-server cluster, three
 * gateway processes on one R3 stream, and HAProxy (deploy/haproxy/tocsin.cfg) in front, round-
 * robin with no stickiness. Consoles and the publisher only ever talk to HAProxy.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../main/core/console-core.js';
import { checkHaproxyConfig } from '../support/haproxy.js';
import { until } from '../support/until.js';
import { CLUSTER_TOKEN, HAPROXY_CONFIG, postEvents, startCluster, type TocsinCluster } from './cluster-fixture.js';

const KILLS = Number(process.env.TOCSIN_CLUSTER_KILLS ?? 20);
const CONSOLES = 10;
const BATCH = 50;

let cluster: TocsinCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

/** The stream's newest seq, read from NATS itself. */
async function streamLast(): Promise<number> {
  const nc = await connect({ servers: cluster.nats.servers });
  try {
    return (await (await jetstreamManager(nc)).streams.info('TOCSIN')).state.last_seq;
  } finally {
    await nc.close();
  }
}

/**
 * Post batches through HAProxy until stopped, retrying each until acknowledged (the same
 * Idempotency-Key each time: a batch journaled by a gateway killed before its 202 is not
 * journaled again by the next); counts the events posted and those answered with a seq.
 */
function publisher() {
  let stopped = false;
  let accepted = 0;
  let n = 0;
  let batches = 0;
  const running = (async () => {
    while (!stopped) {
      const key = `cluster-test-batch-${++batches}`;
      const batch = Array.from({ length: BATCH }, () => ({
        kind: 'fired',
        alertId: `c${++n}`,
        alert: { title: `event ${n}`, severity: 'info', category: 'other' },
      }));
      for (;;) {
        try {
          accepted += (await postEvents(cluster.haproxy.url, batch, key)).filter((seq) => seq !== null).length;
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    accepted: () => accepted,
    posted: () => n,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

describe('gateways as a cluster behind HAProxy', () => {
  it('has an HAProxy configuration haproxy -c accepts', () => {
    const checked = checkHaproxyConfig(HAPROXY_CONFIG, {
      TOCSIN_BIND: '127.0.0.1:7420',
      TOCSIN_G1: '127.0.0.1:7421',
      TOCSIN_G2: '127.0.0.1:7422',
      TOCSIN_G3: '127.0.0.1:7423',
    });
    expect(checked.output).not.toMatch(/WARNING|ALERT/);
    expect(checked.ok).toBe(true);
  });

  it(`keeps ${CONSOLES} consoles contiguous through ${KILLS} gateway SIGKILLs and a NATS node's`, async () => {
    const consoles = await Promise.all(
      Array.from({ length: CONSOLES }, (_, i) =>
        ConsoleCore.open({
          dataDir: mkdtempSync(join(tmpdir(), `tocsin-cluster-console-${i}-`)),
          userName: 'ann',
          feeds: [{ id: 'c', name: 'cluster', url: cluster.feedUrl, token: CLUSTER_TOKEN }],
          random: Math.random,
        }),
      ),
    );
    const posting = publisher();
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
        const victim = kill % cluster.gateways.length;
        await cluster.kill(victim);
        // A NATS node too, once, half-way: publishing goes on with the other two (quorum).
        if (kill === Math.floor(KILLS / 2)) {
          await cluster.nats.kill(kill % 3);
          await new Promise((r) => setTimeout(r, 1_000));
          await cluster.nats.restart(kill % 3);
        }
        await cluster.restart(victim);
      }
    } finally {
      await posting.stop();
    }
    try {
      const last = await streamLast();
      // Every event posted is journaled exactly once: retries of a batch whose 202 was lost add nothing.
      expect(last, 'events in the stream = events posted').toBe(posting.posted());
      expect(posting.accepted()).toBeLessThanOrEqual(last);
      for (const [i, core] of consoles.entries()) {
        await until(
          () => core.store.cursor('c') === last,
          120_000,
          () => `console ${i} at ${core.store.cursor('c')} of ${last}`,
        );
        const stats = core.store.db
          .prepare(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM events WHERE feed_id = 'c'",
          )
          .get();
        expect(stats, `console ${i}`).toEqual({ n: last, d: last, lo: 1, hi: last });
      }
      console.log(
        `cluster: ${KILLS} gateway SIGKILLs and 1 NATS node SIGKILL, ${posting.posted()} events posted (${posting.posted() - posting.accepted()} answered null: a retry of a batch already journaled), stream last seq ${last}, ${CONSOLES} consoles contiguous 1..${last}`,
      );
    } finally {
      await Promise.all(consoles.map((core) => core.close()));
    }
  }, 600_000);
});
