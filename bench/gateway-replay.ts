/**
 * Replay of a large backlog: a journal of `events` alert events (one million by default) is
 * written first (not timed), then a console that says hello with seq 0 is replayed the whole
 * journal by a gateway that opened it cold (no events in memory), and only counts. Target:
 * at least 100,000 events/s. Baseline in the same run: the raw `ws` send rate of the same
 * number of frames of the same size to one counting client. Bounded: 180 s for the replay.
 *   npx tsx bench/gateway-replay.ts [events=1000000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { startGateway } from '../gateway/gateway.js';
import { Journal } from '../gateway/journal/journal.js';
import type { AlertEvent } from '../common/protocol/alert.js';
import { startCountingClients } from './support/counting-clients.js';
import { benchEvent } from './support/pipeline-events.js';

const N = Number(process.argv[2] ?? 1_000_000);
const TIMEOUT_MS = 180_000;
const TOKEN = 'bench-token-0123456789abcdef';
const event = (i: number): AlertEvent => benchEvent(i, { alerts: 5_000 });

const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
const path = join(dir, 'journal.sqlite');
let t0 = performance.now();
const journal = new Journal({ path, maxEvents: 10_000_000, maxAgeMs: 1e15 });
for (let i = 0; i < N; i += 10_000)
  journal.append(Array.from({ length: Math.min(10_000, N - i) }, (_, j) => ({ event: event(i + j) })));
journal.close();
const writeRate = N / ((performance.now() - t0) / 1000);
const megabytes = statSync(path).size / 1e6;

// Baseline: the raw ws send rate of N frames of the same shape to one counting client, serialized
// before the clock starts (10,000 distinct frames, cycled), so it is the pure send rate.
const frames = Array.from({ length: 10_000 }, (_, i) =>
  JSON.stringify({ type: 'event', stream: 'alerts', seq: N - 10_000 + i + 1, event: event(N - 10_000 + i) }),
);
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((r) => server.once('listening', r));
const raw = startCountingClients(
  { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`, clients: 1, expect: N, hello: false },
  TIMEOUT_MS,
);
const socket = await new Promise<import('ws').WebSocket>((r) => server.once('connection', r));
await raw.ready;
t0 = Date.now();
for (let i = 0; i < N; i++) {
  socket.send(frames[i % 10_000]!);
  if (socket.bufferedAmount > 1024 * 1024)
    while (socket.bufferedAmount > 256 * 1024) await new Promise((r) => setImmediate(r));
}
const rawRate = (N / ((await raw.done) - t0)) * 1000;
await raw.stop();
server.close();

// The gateway, opened cold on the journal: everything comes from SQLite.
const gateway = await startGateway({
  listen: { host: '127.0.0.1', port: 0 },
  tokens: [TOKEN],
  journal: { path, maxEvents: 10_000_000, maxAgeMs: 1e15 },
});
const replay = startCountingClients(
  { url: gateway.url, clients: 1, expect: N, token: TOKEN, hello: true, protocol: 'tocsin.v1' },
  TIMEOUT_MS,
);
t0 = Date.now(); // the clock starts before the connection: handshake and hello are part of the replay
const replayRate = (N / ((await replay.done) - t0)) * 1000;
const heapMb = process.memoryUsage().heapUsed / 1e6;
await replay.stop();
await gateway.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `gateway replay: ${N.toLocaleString('en')} events journaled (${megabytes.toFixed(0)} MB, written at ${Math.round(writeRate).toLocaleString('en')} events/s), replayed cold from seq 0`,
);
console.log(`  raw ws send, same frames      ${Math.round(rawRate).toLocaleString('en')} events/s`);
console.log(
  `  gateway replay to a counter   ${Math.round(replayRate).toLocaleString('en')} events/s (target ≥ 100,000)`,
);
console.log(`  ratio                         ${(replayRate / rawRate).toFixed(2)}`);
console.log(`  gateway heap after replay     ${heapMb.toFixed(0)} MB`);
