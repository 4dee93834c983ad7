/**
 * Re-indexing alerts whose text changed, as FtsIndexer does it (500 a slice), with migration 9's
 * `deletemerge` of 50% against FTS5's default of 10%, on two histories built the same way in the
 * same run: 20,000 alerts, then 200 slices of 500 alerts whose labels changed.
 *   npx tsx bench/fts-reindex.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEvent } from '../common/protocol/alert.js';
import { AlertStore } from '../main/core/store/alert-store.js';
import { benchEvent, PIPELINE_EPOCH } from './support/pipeline-events.js';

function run(deletemerge: number | null): { p50: number; p90: number; max: number; total: number } {
  const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'bench-fts-')), 'history.sqlite'));
  if (deletemerge !== null)
    store.db.exec(`INSERT INTO alerts_fts(alerts_fts, rank) VALUES ('deletemerge', ${deletemerge})`);
  let seq = 0;
  const event = (i: number): AlertEvent =>
    benchEvent(i, {
      alerts: 20_000,
      at: PIPELINE_EPOCH + seq,
      startsAt: 1,
      labels: { env: 'prod', revision: String(seq) },
    });
  for (let i = 0; i < 40_000; i += 1_000) {
    store.commit(
      'f',
      Array.from({ length: 1_000 }, (_, j) => ({ seq: ++seq, event: event(i + j) })),
      false,
    );
    store.fullText.catchUp();
  }
  const rows = (store.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE feed_id = 'f'").get() as { n: number }).n;
  if (rows !== 20_000) throw new Error(`the history holds ${rows} alerts, not 20,000: the benchmark did not build it`);
  const times: number[] = [];
  for (let k = 0; k < 200; k++) {
    store.commit(
      'f',
      Array.from({ length: 500 }, () => ({ seq: ++seq, event: event(seq) })),
      false,
    );
    const t = performance.now();
    const indexed = store.fullText.indexSome(500);
    times.push(performance.now() - t);
    // A slice that indexed nothing was not measured: the benchmark would time an empty loop.
    if (indexed !== 500) throw new Error(`slice ${k} re-indexed ${indexed} alerts, not 500: nothing to measure`);
  }
  store.close();
  times.sort((a, b) => a - b);
  return { p50: times[100]!, p90: times[180]!, max: times[199]!, total: times.reduce((a, b) => a + b, 0) };
}

const line = (name: string, r: ReturnType<typeof run>) =>
  `  ${name.padEnd(28)} slice p50 ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, total ${r.total.toFixed(0)} ms`;
const fts5Default = run(10);
const ours = run(null); // migration 9's setting
console.log('re-indexing 200 slices of 500 alerts whose text changed (20,000 alerts):');
console.log(line('FTS5 default deletemerge 10', fts5Default));
console.log(line('migration 9: deletemerge 50', ours));
console.log(`  total time ratio (ours / default): ${(ours.total / fts5Default.total).toFixed(2)}`);
