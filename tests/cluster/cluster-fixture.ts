/**
 * A Tocsin cluster for tests: a three-node nats-server cluster with JetStream, three gateway
 * processes on one R3 stream, and HAProxy in front with the repository's configuration
 * (deploy/haproxy/tocsin.cfg), round-robin. Everything on loopback ports, state in temp dirs,
 * and all of it stopped by `stop()`. Gateways can be SIGKILLed and restarted one by one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startNats, type NatsCluster } from '../support/nats.js';
import { startProcess, type Started } from '../support/processes.js';
import { freePort } from '../support/real-monitoring.js';

export const CLUSTER_TOKEN = 'cluster-test-token-0123456789';
export const HAPROXY_CONFIG = join(import.meta.dirname, '../../deploy/haproxy/tocsin.cfg');
const CLI = join(import.meta.dirname, '../../gateway/cli.ts');

export type ClusterGateway = { port: number; config: string; process: Started | null };

export type TocsinCluster = {
  nats: NatsCluster;
  gateways: ClusterGateway[];
  haproxy: RunningHaproxy;
  /** ws:// URL of the feed through HAProxy. */
  feedUrl: string;
  /** SIGKILL gateway `i` and wait for it to exit. */
  kill(i: number): Promise<void>;
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Write gateway `i`'s file: named `gateway-<i+1>`, on loopback at its port, the cluster's token,
 * a JetStream journal on `journal.stream` (R3) with `journal`'s other settings, and `extra`.
 */
export function writeClusterGatewayConfig(
  gateway: ClusterGateway,
  i: number,
  journal: { servers: readonly string[]; stream: string } & Record<string, unknown>,
  extra: Record<string, unknown>,
): void {
  writeFileSync(
    gateway.config,
    JSON.stringify({
      name: `gateway-${i + 1}`,
      listen: { host: '127.0.0.1', port: gateway.port },
      tokens: [CLUSTER_TOKEN],
      journal: { kind: 'jetstream', replicas: 3, ...journal },
      ...extra,
    }),
  );
}

/** Start gateway `gateway` (its config file written already) and wait for its feed URL. */
export async function startGatewayProcess(gateway: ClusterGateway): Promise<void> {
  gateway.process = await startProcess(
    'node',
    ['--import', 'tsx', CLI, '--config', gateway.config],
    /Tocsin gateway: ws:/,
    {
      timeoutMs: 90_000,
    },
  );
}

/** Start NATS (3 nodes), `size` gateways on stream `stream` (R3), and HAProxy in front. */
export async function startCluster(size = 3, stream = 'TOCSIN'): Promise<TocsinCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-cluster-'));
  const nats = await startNats(3);
  const gateways: ClusterGateway[] = [];
  let haproxy: RunningHaproxy | null = null;
  const stop = async () => {
    await haproxy?.stop();
    await Promise.all(gateways.map((g) => g.process?.stop()));
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const gateway: ClusterGateway = {
        port: await freePort(),
        config: join(dir, `gateway-${i + 1}.json`),
        process: null,
      };
      writeClusterGatewayConfig(
        gateway,
        i,
        { servers: nats.servers, stream, path: join(dir, `local-${i + 1}.sqlite`) },
        { heartbeatMs: 1_000 },
      );
      gateways.push(gateway);
    }
    // One after the other: the first creates the stream and buckets, the others find them.
    for (const gateway of gateways) await startGatewayProcess(gateway);
    const bind = `127.0.0.1:${await freePort()}`;
    haproxy = await startHaproxy(HAPROXY_CONFIG, {
      TOCSIN_BIND: bind,
      ...Object.fromEntries(gateways.map((g, i) => [`TOCSIN_G${i + 1}`, `127.0.0.1:${g.port}`])),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nats,
    gateways,
    haproxy,
    feedUrl: `${haproxy.url.replace(/^http/, 'ws')}/v1/feed`,
    kill: async (i) => {
      const child = gateways[i]!.process?.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    restart: async (i) => startGatewayProcess(gateways[i]!),
    stop,
  };
}

/** POST events to `url` (HAProxy or a gateway), with an Idempotency-Key when given; throws unless 202. */
export async function postEvents(url: string, events: unknown, idempotencyKey?: string): Promise<Array<number | null>> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    body: JSON.stringify(events),
    headers: {
      authorization: `Bearer ${CLUSTER_TOKEN}`,
      ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { seqs: Array<number | null> }).seqs;
}
