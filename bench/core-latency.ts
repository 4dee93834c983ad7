/**
 * Latency from the gateway's publish to the committed row (and to the batched UI update), at
 * 1,000 and 10,000 events per second, and the console's memory through a flood of events.
 * The gateway runs in its own process (bench/core-support/paced-gateway.ts); the console core
 * runs here exactly as in the app's worker (ConsoleCore, real SQLite file, FTS5 on).
 * Targets: p99 under 10 ms at 10,000/s; peak RSS after 1,000,000 events below twice idle.
 *   npx tsx bench/core-latency.ts [seconds per rate=10] [flood events=1000000]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConsoleCore } from '../main/core/console-core.js';
import type { CommittedChange } from '../main/core/pipeline/observer.js';

const SECONDS = Number(process.argv[2] ?? 10);
const FLOOD = Number(process.argv[3] ?? 1_000_000);
const now = () => performance.timeOrigin + performance.now();
/** The publish time the paced gateway put in startsAt, in microseconds. */
const sentAt = (startsAt: number) => startsAt / 1000;

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/core-support/paced-gateway.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => String((await lines.next()).value);
const [, url, token] = (await next()).split(' ');
const command = async (line: string) => {
  child.stdin.write(`${line}\n`);
  if ((await next()) !== 'done') throw new Error(`gateway did not finish ${line}`);
};

let commitLatency: number[] = [];
let uiLatency: number[] = [];
const core = await ConsoleCore.open({
  dataDir: mkdtempSync(join(tmpdir(), 'bench-latency-console-')),
  userName: 'bench',
  feeds: [{ id: 'g', name: 'bench', url: url!, token: token! }],
  observers: [
    {
      // Called right after the commit (and the ack), before anything else sees the batch.
      onCommitted(changes: readonly CommittedChange[]) {
        const t = now();
        for (const c of changes) if (c.event.kind === 'fired') commitLatency.push(t - sentAt(c.event.alert.startsAt));
      },
      onSnapshot() {},
      onFeedStatus() {},
    },
  ],
});
core.onUpdate((update) => {
  const t = now();
  for (const row of update.alerts) if (row.source === 'bench') uiLatency.push(t - sentAt(row.startsAt));
});
while ((await core.handlers.feedStatus({}))[0]?.state !== 'live') await new Promise((r) => setTimeout(r, 20));

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${s.at(-1)!.toFixed(1)} ms (${s.length.toLocaleString('en')} events)`;
};

console.log(
  `latency, gateway publish → committed row (FTS5 on) and → UI update (batched every 50 ms), ${SECONDS} s per rate:`,
);
for (const rate of [1_000, 10_000]) {
  commitLatency = [];
  uiLatency = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const before = core.store.cursor('g');
  await command(`pace ${rate} ${SECONDS}`);
  while (core.store.cursor('g') < before + rate * SECONDS) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100)); // the last UI batch
  console.log(`  ${rate.toLocaleString('en').padStart(6)}/s  commit: ${summary(commitLatency)}`);
  console.log(`  ${''.padStart(6)}    UI:     ${summary(uiLatency)}`);
  loopDelay.disable();
  console.log(
    `  ${''.padStart(6)}    the console's event loop delay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
  );
}

// Memory: idle, then a flood resumed as fast as the pipeline takes it; sampled every 100 ms.
global.gc?.();
await new Promise((r) => setTimeout(r, 500));
const idle = process.memoryUsage().rss;
let peak = idle;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
const start = core.store.cursor('g');
const t0 = performance.now();
const flooding = command(`flood ${FLOOD}`);
const marks: string[] = [];
let nextMark = FLOOD / 4;
while (core.store.cursor('g') < start + FLOOD && performance.now() - t0 < 600_000) {
  await new Promise((r) => setTimeout(r, 100));
  if (core.store.cursor('g') - start >= nextMark) {
    marks.push(`${Math.round(nextMark / 1000)}k: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
    nextMark += FLOOD / 4;
  }
}
await flooding;
clearInterval(sampler);
const done = core.store.cursor('g') - start;
const seconds = (performance.now() - t0) / 1000;
console.log(
  `memory through a flood of ${done.toLocaleString('en')} events (${Math.round(done / seconds).toLocaleString('en')}/s end to end):`,
);
console.log(
  `  RSS idle ${(idle / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB, ratio ${(peak / idle).toFixed(2)} (target < 2); along the way ${marks.join(', ')}`,
);
await core.close();
child.stdin.write('quit\n');
await new Promise((r) => child.once('exit', r));
