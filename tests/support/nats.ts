/**
 * Real `nats-server` processes with JetStream for tests (Debian's 2.9): one node, or a cluster
 * of three, on free loopback ports with their store in a temporary directory. Ready when plain
 * `GET /healthz` on each monitor port says ok (`?js-enabled-only=true` says so too early).
 * `kill(i)` SIGKILLs one node and `restart(i)` brings it back with the same name and store.
 * Optionally the client port speaks TLS only (mutual TLS with `verify`; see nats-tls.ts), and/or
 * clients must prove a user of an operator's account (JWT auth, MEMORY resolver; nats-creds.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './real-monitoring.js';
import { startProcess, stopChild, type Started } from './processes.js';
import { until } from './until.js';

/** How long a node may take to say ok on /healthz (a cluster elects its JetStream leader first). */
const HEALTHY_WITHIN_MS = 60_000;

/** TLS on the client port: the server's certificate, and with `verify` the CA its clients' must chain to. */
export type NatsTlsOptions = { certFile: string; keyFile: string; caFile?: string; verify?: boolean };

/** Decentralized JWT auth: the operator's JWT, its system account, and the account JWTs to preload. */
export type NatsJwtAuthOptions = { operatorJwt: string; systemAccount: string; accounts: Record<string, string> };

export type NatsOptions = { tls?: NatsTlsOptions; auth?: NatsJwtAuthOptions };

export type NatsNode = { name: string; port: number; monitorPort: number; clusterPort: number; config: string };

/** A running set of nats-server nodes. */
export type NatsCluster = {
  dir: string;
  nodes: NatsNode[];
  /** `nats://127.0.0.1:PORT` of every node (`tls://` when the server speaks TLS only). */
  servers: string[];
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
};

/** Start `size` JetStream nodes (1, or 3 for a cluster with routes between them). */
export async function startNats(size = 1, options: NatsOptions = {}): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-nats-'));
  const nodes: NatsNode[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    nodes.push({
      name,
      port: await freePort(),
      monitorPort: await freePort(),
      clusterPort: await freePort(),
      config: join(dir, `${name}.conf`),
    });
  }
  for (const node of nodes) writeFileSync(node.config, configFor(node, nodes, dir, options));
  const running: Array<Started | null> = nodes.map(() => null);
  const start = async (i: number) => {
    const node = nodes[i]!;
    running[i] = await startProcess('nats-server', ['-c', node.config], /Server is ready/, { timeoutMs: 20_000 });
    leftovers.add(running[i]!.child);
  };
  // What each node's /healthz last answered, for the error when one never says ok.
  const lastHealth = new Map<string, string>();
  const healthy = async (node: NatsNode) =>
    fetch(`http://127.0.0.1:${node.monitorPort}/healthz`)
      .then(async (r) => {
        const text = (await r.text()).trim();
        lastHealth.set(node.name, `${r.status} ${text.slice(0, 300)}`);
        return r.ok && text.includes('ok');
      })
      .catch((error: unknown) => {
        lastHealth.set(node.name, String(error));
        return false;
      });
  // A cluster elects its JetStream meta leader before any node says ok: slow on a busy machine.
  const notHealthy = (node: NatsNode, what: string) => () =>
    `nats-server ${node.name} ${what} (its /healthz last said: ${lastHealth.get(node.name) ?? 'nothing'})`;
  const stop = async () => {
    await Promise.all(running.map((r) => r?.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((_, i) => start(i)));
    for (const node of nodes) await until(() => healthy(node), HEALTHY_WITHIN_MS, notHealthy(node, 'healthy'));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dir,
    nodes,
    servers: nodes.map((node) => `${options.tls ? 'tls' : 'nats'}://127.0.0.1:${node.port}`),
    kill: async (i) => {
      const child = running[i]?.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    restart: async (i) => {
      await start(i);
      await until(() => healthy(nodes[i]!), HEALTHY_WITHIN_MS, notHealthy(nodes[i]!, 'healthy again'));
    },
    stop,
  };
}

function configFor(node: NatsNode, nodes: readonly NatsNode[], dir: string, options: NatsOptions): string {
  const cluster =
    nodes.length > 1
      ? `cluster {
  name: tocsin-test
  listen: 127.0.0.1:${node.clusterPort}
  routes: [${nodes
    .filter((other) => other !== node)
    .map((other) => `nats-route://127.0.0.1:${other.clusterPort}`)
    .join(', ')}]
}`
      : '';
  const { tls, auth } = options;
  const tlsBlock = tls
    ? `tls {
  cert_file: ${JSON.stringify(tls.certFile)}
  key_file: ${JSON.stringify(tls.keyFile)}
${tls.caFile === undefined ? '' : `  ca_file: ${JSON.stringify(tls.caFile)}\n`}  verify: ${tls.verify === true}
  timeout: 2
}`
    : '';
  const authBlock = auth
    ? `operator: ${JSON.stringify(auth.operatorJwt)}
system_account: ${auth.systemAccount}
resolver: MEMORY
resolver_preload: {
${Object.entries(auth.accounts)
  .map(([account, jwt]) => `  ${account}: ${JSON.stringify(jwt)}`)
  .join('\n')}
}`
    : '';
  return `server_name: ${node.name}
listen: 127.0.0.1:${node.port}
http: 127.0.0.1:${node.monitorPort}
jetstream { store_dir: "${join(dir, node.name)}" }
${cluster}
${tlsBlock}
${authBlock}
`;
}

const leftovers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of leftovers) if (child.exitCode === null && child.signalCode === null) void stopChild(child, 0);
});
