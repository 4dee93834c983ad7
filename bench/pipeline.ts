/**
 * The console pipeline (receive → validate → commit → ack, full-text index on) resuming a
 * backlog from a standalone gateway process, against a bare batched-insert loop of the same
 * events into the same schema (AlertStore.commit with no network, no parsing) in the same run.
 * Target: at least 0.9 of the bare rate. Also replay rate from the gateway's journal.
 *   node scripts/build.mjs --node-only && npx tsx bench/pipeline.ts [events=200000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../gateway/journal/journal.js';
import { ConsoleCore } from '../main/core/console-core.js';
import { systemClock } from '../common/clock.js';
import { AlertStore } from '../main/core/store/alert-store.js';
import { WalCheckpoints } from '../common/node/sqlite/wal-checkpoints.js';
import { startGatewayProcess } from '../tests/e2e/fixtures.js';
import { pipelineEvent } from './support/pipeline-events.js';

const N = Number(process.argv[2] ?? 200_000);
/** The baseline's batch size; BENCH_BATCH=5000 gives it the pipeline's typical batch (it made no difference: 54k vs 57k/s). */
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

// Baseline: the same events, committed straight into the same schema in batches, with the console's
// checkpoints (WalCheckpoints on its own thread, the same policy), so the comparison is of the
// pipeline, not of two checkpoint policies. The loop yields between batches so the checkpoint
// timer can run, as it does in the console.
const barePath = join(mkdtempSync(join(tmpdir(), 'bench-bare-')), 'history.sqlite');
const bare = AlertStore.open(barePath);
const bareCheckpoints = new WalCheckpoints(bare.db, systemClock);
bareCheckpoints.start();
await bareCheckpoints.moveToThread(barePath, 'bare', console.error);
let t0 = performance.now();
for (let i = 0; i < N; i += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({
    seq: i + j + 1,
    event: pipelineEvent(i + j),
  }));
  bare.commit('f', batch, false);
  bareCheckpoints.noteWrite(batch.length);
  await new Promise((r) => setImmediate(r));
}
bare.fullText.catchUp(); // full-text search on: the baseline pays for indexing too
const bareRate = N / ((performance.now() - t0) / 1000);
await bareCheckpoints.stop();
bare.close();

// Pipeline: a gateway process replays a journal of N events to a console resuming from 0.
const journalPath = join(mkdtempSync(join(tmpdir(), 'bench-journal-')), 'journal.sqlite');
const journal = new Journal({ path: journalPath, maxEvents: 10_000_000, maxAgeMs: 1e15 });
for (let i = 0; i < N; i += 5_000)
  journal.append(Array.from({ length: Math.min(5_000, N - i) }, (_, j) => ({ event: pipelineEvent(i + j) })));
journal.close();
const gateway = await startGatewayProcess({ journal: journalPath });
const core = await ConsoleCore.open({
  dataDir: mkdtempSync(join(tmpdir(), 'bench-console-')),
  userName: 'bench',
  feeds: [{ id: 'g', name: 'bench', url: gateway.url, token: gateway.token }],
});
// Count the pipeline's commit batches (the bare loop uses ${BATCH}): their size explains most of the gap.
let commits = 0;
const commit = core.store.commit.bind(core.store);
core.store.commit = (...args) => {
  commits++;
  return commit(...args);
};
t0 = performance.now();
// Done when every event is committed and every alert is in the full-text index.
while (core.store.cursor('g') < N || core.store.fullText.hasPending()) await new Promise((r) => setTimeout(r, 5));
const pipelineRate = N / ((performance.now() - t0) / 1000);
// A resume answered with a snapshot (events outside the gateway's window) would measure nothing of the pipeline.
const stored = (core.store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE feed_id = 'g'").get() as { n: number }).n;
if (stored !== N)
  throw new Error(
    `only ${stored} of ${N} events were replayed and committed one by one: the gateway sent a snapshot instead`,
  );
await core.close();
await gateway.process.stop();

console.log(`pipeline: ${N} events resumed from a gateway process, batches committed with FTS5 on`);
console.log(`  bare batched insert (same schema)   ${Math.round(bareRate).toLocaleString('en')} events/s`);
console.log(`  receive→validate→commit→ack         ${Math.round(pipelineRate).toLocaleString('en')} events/s`);
console.log(`  ratio                               ${(pipelineRate / bareRate).toFixed(2)} (target ≥ 0.9)`);
console.log(
  `  pipeline commit batches             ${commits}, ${Math.round(N / Math.max(1, commits))} events each on average (bare: ${BATCH})`,
);
