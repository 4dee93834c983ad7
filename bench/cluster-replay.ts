/**
 * Replay of a large backlog from a JetStream journal against a SQLite journal, in one run. The
 * same `events` alert events are journaled into each (not timed). Then, for each backend, a
 * gateway is started cold on it and one console says hello with seq 0; timed from the gateway's
 * start to the console having counted every event. A JetStream gateway first reads the whole
 * stream into its local copy before it listens, so its figure includes that catch-up, which is
 * also printed on its own. A real single-node nats-server runs the stream (store in a temp dir).
 * Throws unless both consoles counted every event; bounded by 600 s per replay.
 *   npx tsx bench/cluster-replay.ts [events=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigInput } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { Journal } from '../gateway/journal/journal.js';
import { startNats } from '../tests/support/nats.js';
import { startCountingClients } from './support/counting-clients.js';
import { benchEvent } from './support/pipeline-events.js';

const N = Number(process.argv[2] ?? 1_000_000);
const TIMEOUT_MS = 600_000;
const TOKEN = 'bench-token-0123456789abcdef';
const BATCH = 1_000;
const WINDOW = { maxEvents: 10_000_000, maxAgeMs: 10 * 365 * 24 * 3600_000 };

/** From a cold gateway start to one console having counted all N events: total and the start alone (ms). */
async function replay(journal: GatewayConfigInput['journal']): Promise<{ totalMs: number; startMs: number }> {
  const t0 = Date.now();
  const gateway = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal });
  const startMs = Date.now() - t0;
  const clients = startCountingClients(
    { url: gateway.url, clients: 1, expect: N, token: TOKEN, hello: true, protocol: 'tocsin.v1' },
    TIMEOUT_MS,
  );
  try {
    return { totalMs: (await clients.done) - t0, startMs };
  } finally {
    await clients.stop();
    await gateway.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-cluster-replay-'));
const nats = await startNats(1);
try {
  const sqlitePath = join(dir, 'journal.sqlite');
  const sqlite = new Journal({ path: sqlitePath, ...WINDOW });
  for (let i = 0; i < N; i += BATCH)
    sqlite.append(
      Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({ event: benchEvent(i + j, { alerts: 5_000 }) })),
    );
  sqlite.close();

  const jetstream = { kind: 'jetstream' as const, servers: nats.servers, stream: 'REPLAY', ...WINDOW };
  const t0 = Date.now();
  const writer = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal: jetstream });
  for (let i = 0; i < N; i += BATCH)
    await writer.sink.publish(
      Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({ event: benchEvent(i + j, { alerts: 5_000 }) })),
    );
  const written = writer.journal.bounds().last;
  await writer.close();
  if (written !== N) throw new Error(`the stream holds ${written} events, not ${N}: the replay would not be of ${N}`);
  const publishRate = N / ((Date.now() - t0) / 1000);

  const fromSqlite = await replay({ path: sqlitePath, ...WINDOW });
  const fromJetStream = await replay(jetstream);
  const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString('en');
  console.log(`replay of ${N.toLocaleString('en')} events to one console from seq 0, from a cold gateway start`);
  console.log(
    `  (published into JetStream through a gateway at ${Math.round(publishRate).toLocaleString('en')} events/s)`,
  );
  console.log(
    `  sqlite     ${(fromSqlite.totalMs / 1000).toFixed(1)} s, ${rate(fromSqlite.totalMs)} events/s (start ${fromSqlite.startMs} ms)`,
  );
  console.log(
    `  jetstream  ${(fromJetStream.totalMs / 1000).toFixed(1)} s, ${rate(fromJetStream.totalMs)} events/s ` +
      `(start, reading the stream into the local copy: ${(fromJetStream.startMs / 1000).toFixed(1)} s)`,
  );
  console.log(`  ratio jetstream / sqlite time: ${(fromJetStream.totalMs / fromSqlite.totalMs).toFixed(2)}`);
} finally {
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
