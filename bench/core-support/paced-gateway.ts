/**
 * A gateway process for bench/core-latency.ts: a real Tocsin gateway on loopback whose sink is
 * fed at a steady rate. Each event is a new alert (as in a storm) and carries its publish time
 * (performance clock, in microseconds) in `startsAt`, which no index or full-text search reads, so
 * the measurement changes nothing the console does; the console measures publish → commit
 * across processes on the same machine. (It was a label before: that made every event a change
 * of the alert's text, which real re-fires are not.)
 * Commands on stdin, one per line: `pace RATE SECONDS` and `flood COUNT`; answers `done`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startGateway } from '../../gateway/gateway.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { benchEvent } from '../support/pipeline-events.js';

const token = 'bench-latency-token-0123456789';
const gateway = await startGateway({
  listen: { host: '127.0.0.1', port: 0 },
  tokens: [token],
  heartbeatMs: 5_000,
  journal: {
    path: join(mkdtempSync(join(tmpdir(), 'bench-latency-gw-')), 'journal.sqlite'),
    maxEvents: 5_000_000,
    maxAgeMs: 86_400_000,
  },
  limits: { maxFramesPerSecond: 200 },
});
let n = 0;
const now = () => performance.timeOrigin + performance.now();
const event = (): AlertEvent =>
  benchEvent(n++, { at: Date.now(), startsAt: Math.round(now() * 1000), labels: { env: 'prod' } });

/**
 * Publish `rate` events a second for `seconds`: every millisecond, the events that fell due since
 * the last tick (about 10 at 10,000/s), as a source pushing at that rate would. Each event is
 * stamped when it is published, so the tick adds no unmeasured wait. (An earlier version checked
 * on every turn of the event loop with setImmediate: it spun a whole core of this 2-core machine
 * and took it from the console it was measuring.)
 */
async function pace(rate: number, seconds: number): Promise<void> {
  const start = performance.now();
  let sent = 0;
  const total = rate * seconds;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    if (due > sent) {
      await gateway.sink.publish(Array.from({ length: due - sent }, () => ({ event: event() })));
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function flood(count: number): Promise<void> {
  for (let i = 0; i < count; i += 2_000)
    await gateway.sink.publish(Array.from({ length: Math.min(2_000, count - i) }, () => ({ event: event() })));
}

console.log(`READY ${gateway.url} ${token}`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'pace') await pace(Number(a), Number(b));
  else if (command === 'flood') await flood(Number(a));
  else if (command === 'quit') break;
  console.log('done');
}
await gateway.close();
process.exit(0);
