/**
 * How close to the bare insert loop any pipeline can get here: the bare batched-insert loop of
 * bench/pipeline.ts, against the same loop whose events must first be turned from text into
 * objects by the cheapest means there is (one JSON.parse of a whole batch, already validated,
 * no network, no observers). That hand-off is the least a real pipeline pays on the thread that
 * commits, wherever its receiving and validating run; its ratio is the ceiling for the
 * "pipeline ≥ 0.9 of the bare loop" target (BENCHMARKS.md, "Why the pipeline target is missed").
 * Also: the same with the batch handed over by structured clone, as a worker thread's
 * postMessage would. Same process, same run, alternating, three rounds.
 *   npx tsx bench/pipeline-ceiling.ts [events=200000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { systemClock } from '../common/clock.js';
import type { ReceivedEvent } from '../main/core/store/alert-store.js';
import { AlertStore } from '../main/core/store/alert-store.js';
import { WalCheckpoints } from '../common/node/sqlite/wal-checkpoints.js';
import { pipelineEvent } from './support/pipeline-events.js';

const N = Number(process.argv[2] ?? 200_000);
const BATCH = 1_000;
type HandOff = 'none' | 'JSON.parse' | 'structured clone';
const { port1, port2 } = new MessageChannel();

/** Commit N events in batches the way bench/pipeline.ts's baseline does, after the given hand-off; events/s. */
async function run(handOff: HandOff): Promise<number> {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-ceiling-')), 'history.sqlite');
  const store = AlertStore.open(path);
  const checkpoints = new WalCheckpoints(store.db, systemClock);
  checkpoints.start();
  await checkpoints.moveToThread(path, 'ceiling', console.error);
  const batchOf = (i: number): ReceivedEvent[] =>
    Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({ seq: i + j + 1, event: pipelineEvent(i + j) }));
  // Prepared before the clock starts: the text as a receiver would have validated it.
  const texts: string[] = [];
  if (handOff === 'JSON.parse') for (let i = 0; i < N; i += BATCH) texts.push(JSON.stringify(batchOf(i)));
  // Posted before the clock starts too: only the receiving side's deserialization is timed.
  if (handOff === 'structured clone') for (let i = 0; i < N; i += BATCH) port1.postMessage(batchOf(i));
  const t0 = performance.now();
  for (let i = 0, k = 0; i < N; i += BATCH, k++) {
    let batch: ReceivedEvent[];
    if (handOff === 'JSON.parse') batch = JSON.parse(texts[k]!) as ReceivedEvent[];
    else if (handOff === 'structured clone') batch = receiveMessageOnPort(port2)!.message as ReceivedEvent[];
    else batch = batchOf(i);
    store.commit('f', batch, false);
    checkpoints.noteWrite(batch.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  store.fullText.catchUp();
  const rate = N / ((performance.now() - t0) / 1000);
  // Every event must be stored: a run that committed less did not measure the loop it names.
  const events = (store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE feed_id = 'f'").get() as { n: number }).n;
  if (events !== N) throw new Error(`hand-off ${handOff}: ${events} events stored, not ${N}: nothing measured`);
  await checkpoints.stop();
  store.close();
  return rate;
}

const rates: Record<HandOff, number[]> = { none: [], 'JSON.parse': [], 'structured clone': [] };
for (let round = 0; round < 3; round++)
  for (const handOff of Object.keys(rates) as HandOff[]) rates[handOff].push(await run(handOff));
port1.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`pipeline ceiling: ${N} events in batches of ${BATCH}, FTS5 on, median of 3 rounds`);
for (const handOff of Object.keys(rates) as HandOff[]) {
  const ratio = median(rates[handOff]) / median(rates.none);
  console.log(
    `  ${`bare loop, hand-off: ${handOff}`.padEnd(40)} ${Math.round(median(rates[handOff])).toLocaleString('en').padStart(7)} events/s  ${ratio.toFixed(2)}`,
  );
}
