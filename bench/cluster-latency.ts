/**
 * Publish → console latency with the JetStream journal against the SQLite journal, in one run
 * (issue #18). Each backend gets a gateway in this process and one raw feed client on loopback;
 * events are published one at a time through the gateway's sink, and each is timed from the
 * publish call to its `event` frame arriving at the client. JetStream runs on a real single-node
 * nats-server (started and stopped here, store in a temp dir). Bounded: `events` per backend and
 * 120 s per backend. Throws unless every event of both runs was timed.
 *   npx tsx bench/cluster-latency.ts [events=2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startGateway, type Gateway } from '../gateway/gateway.js';
import type { GatewayConfigInput } from '../gateway/config.js';
import { SUBPROTOCOL } from '../common/protocol/frames.js';
import { startNats } from '../tests/support/nats.js';
import { benchEvent } from './support/pipeline-events.js';

const EVENTS = Number(process.argv[2] ?? 2_000);
const TIMEOUT_MS = 120_000;
const TOKEN = 'bench-token-0123456789abcdef';

/** Latencies (ms) of `EVENTS` events published one at a time through `gateway` to one console. */
async function measure(gateway: Gateway): Promise<number[]> {
  const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const arrived = new Map<string, number>();
  let waiting: { alertId: string; resolve: () => void } | null = null;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; event?: { alertId: string } };
    if (frame.type !== 'event' || !frame.event) return;
    arrived.set(frame.event.alertId, performance.now());
    if (waiting && waiting.alertId === frame.event.alertId) waiting.resolve();
  });
  ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'bench', version: '0' }, resume: {} }));
  await new Promise((r) => setTimeout(r, 200));
  const latencies: number[] = [];
  const deadline = Date.now() + TIMEOUT_MS;
  for (let i = 0; i < EVENTS && Date.now() < deadline; i++) {
    const event = { ...benchEvent(i, { alerts: 1_000_000 }), alertId: `lat-${i}` };
    const seen = new Promise<void>((resolve) => (waiting = { alertId: event.alertId, resolve }));
    const started = performance.now();
    await gateway.sink.publish([{ event }]);
    if (!arrived.has(event.alertId)) await seen;
    latencies.push(arrived.get(event.alertId)! - started);
  }
  ws.close();
  return latencies;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function run(journal: GatewayConfigInput['journal']): Promise<number[]> {
  const gateway = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal });
  try {
    return await measure(gateway);
  } finally {
    await gateway.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-cluster-'));
const nats = await startNats(1);
try {
  const sqlite = await run({ path: join(dir, 'journal.sqlite') });
  const jetstream = await run({ kind: 'jetstream', servers: nats.servers, stream: 'BENCH' });
  for (const [name, values] of [
    ['sqlite', sqlite],
    ['jetstream', jetstream],
  ] as const) {
    if (values.length !== EVENTS) throw new Error(`${name}: timed ${values.length} of ${EVENTS} events`);
  }
  const row = (name: string, values: number[]) =>
    `${name.padEnd(10)} p50 ${percentile(values, 50).toFixed(2)} ms  p99 ${percentile(values, 99).toFixed(2)} ms`;
  console.log(`publish → console, ${EVENTS} events one at a time, one console, loopback`);
  console.log(row('sqlite', sqlite));
  console.log(row('jetstream', jetstream));
  console.log(
    `jetstream / sqlite: p50 ×${(percentile(jetstream, 50) / percentile(sqlite, 50)).toFixed(1)}, p99 ×${(percentile(jetstream, 99) / percentile(sqlite, 99)).toFixed(1)}`,
  );
} finally {
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
