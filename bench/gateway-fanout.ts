/**
 * Gateway fan-out to 1, 10 and 100 consoles on loopback, against the raw `ws` send rate of the
 * same frames to the same number of clients, measured in the same run. The gateway's figure
 * includes journaling every event in SQLite before it is sent. Clients run in a worker thread
 * and only count. Bounded: at most `deliveries` frames per run and 120 s per run.
 *   npx tsx bench/gateway-fanout.ts [deliveries=300000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { startGateway } from '../gateway/gateway.js';
import type { AlertEvent } from '../common/protocol/alert.js';
import { startCountingClients } from './support/counting-clients.js';
import { benchEvent } from './support/pipeline-events.js';

const DELIVERIES = Number(process.argv[2] ?? 300_000);
const FANOUTS = [1, 10, 100];
const BATCH = 100;
const TIMEOUT_MS = 120_000;
const TOKEN = 'bench-token-0123456789abcdef';

const event = (i: number): AlertEvent => benchEvent(i, { alerts: 5_000 });
const yieldToIo = () => new Promise((r) => setImmediate(r));

/** Raw ws: the same event frames, serialized before the clock starts, sent to every client, pausing a client over 1 MiB buffered. */
async function rawRate(clients: number, events: number): Promise<number> {
  const frames = Array.from({ length: events }, (_, i) =>
    JSON.stringify({ type: 'event', stream: 'alerts', seq: i + 1, event: event(i) }),
  );
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => server.once('listening', r));
  const sockets: WebSocket[] = [];
  server.on('connection', (ws) => sockets.push(ws));
  const counting = startCountingClients(
    { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`, clients, expect: events, hello: false },
    TIMEOUT_MS,
  );
  await counting.ready;
  while (sockets.length < clients) await yieldToIo();
  const started = Date.now();
  await Promise.all(
    sockets.map(async (ws) => {
      for (let i = 0; i < events; i++) {
        ws.send(frames[i]!);
        if (ws.bufferedAmount > 1024 * 1024) while (ws.bufferedAmount > 256 * 1024) await yieldToIo();
      }
    }),
  );
  const finished = await counting.done;
  await counting.stop();
  server.close();
  return (events * clients) / ((finished - started) / 1000);
}

/** The gateway: events published in batches (journaled, then fanned out) to consoles that said hello. */
async function gatewayRate(clients: number, events: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  const gateway = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: join(dir, 'journal.sqlite') },
  });
  const counting = startCountingClients(
    { url: gateway.url, clients, expect: events, token: TOKEN, hello: true, protocol: 'tocsin.v1' },
    TIMEOUT_MS,
  );
  await counting.ready;
  const started = Date.now();
  for (let i = 0; i < events; i += BATCH) {
    await gateway.sink.publish(
      Array.from({ length: Math.min(BATCH, events - i) }, (_, j) => ({ event: event(i + j) })),
    );
    await yieldToIo(); // let sockets flush between batches, as a real source's pace would
  }
  const finished = await counting.done;
  await counting.stop();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
  return (events * clients) / ((finished - started) / 1000);
}

console.log(
  `gateway fan-out: up to ${DELIVERIES.toLocaleString('en')} deliveries per run, batches of ${BATCH}, clients in a worker thread`,
);
console.log('  clients  events   raw ws deliveries/s   gateway deliveries/s   ratio');
for (const clients of FANOUTS) {
  const events = Math.max(1_000, Math.floor(DELIVERIES / clients));
  const raw = await rawRate(clients, events);
  const gateway = await gatewayRate(clients, events);
  console.log(
    `  ${String(clients).padStart(7)}  ${String(events).padStart(6)}   ${Math.round(raw).toLocaleString('en').padStart(19)}   ${Math.round(gateway).toLocaleString('en').padStart(20)}   ${(gateway / raw).toFixed(2)}`,
  );
}
