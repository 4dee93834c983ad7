/**
 * History queries on a one-million-alert database (target: each under 50 ms): latest 100,
 * a filtered time range, full-text search, per-minute counts over 24 h, and the next page of
 * each (keyset paging). The database is built through AlertStore.commit (the real write path,
 * FTS5 on) over 30 days of alerts; 2% are still firing.
 *   npx tsx bench/core-history.ts [alerts=1000000] [--keep DIR: build once into DIR, reuse it on later runs]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertFilter } from '../common/api/contract.js';
import { CATEGORIES, SEVERITIES, type AlertEvent } from '../common/protocol/alert.js';
import { AlertStore } from '../main/core/store/alert-store.js';

const N = Number(process.argv[2] ?? 1_000_000);
const keep = process.argv.indexOf('--keep') > 0 ? process.argv[process.argv.indexOf('--keep') + 1]! : null;
const DAY = 86_400_000;
const END = 1_800_000_000_000;
const START = END - 30 * DAY;
const WORDS = [
  'disk',
  'memory',
  'latency',
  'certificate',
  'replication',
  'login',
  'quota',
  'timeout',
  'crash',
  'saturation',
];

/** A deterministic pseudo-random stream, so every run builds the same history. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(7);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

const dir = keep ?? mkdtempSync(join(tmpdir(), 'bench-history-'));
if (keep) mkdirSync(keep, { recursive: true });
const reuse = keep !== null && existsSync(join(dir, 'history.sqlite'));
const store = AlertStore.open(join(dir, 'history.sqlite'));
let seq = 0;
const t0 = performance.now();
for (let i = 0; i < (reuse ? 0 : N); i += 5_000) {
  const batch: Array<{ seq: number; event: AlertEvent }> = [];
  for (let j = i; j < Math.min(N, i + 5_000); j++) {
    const at = START + Math.floor((j / N) * 30 * DAY);
    const host = `${pick(['db', 'web', 'api', 'cache', 'edge'])}-${String(Math.floor(random() * 50)).padStart(2, '0')}`;
    const word = pick(WORDS);
    batch.push({
      seq: ++seq,
      event: {
        kind: 'fired',
        alertId: `a${j}`,
        source: pick(['alertmanager', 'prometheus', 'http']),
        at,
        alert: {
          title: `${word} alarm on ${host}`,
          body: `${word} threshold crossed on ${host} (${Math.floor(random() * 100)}%)`,
          severity: pick(SEVERITIES),
          category: pick(CATEGORIES),
          host,
          labels: { team: pick(['web', 'data', 'sec']), env: 'prod' },
          startsAt: at,
        },
      },
    });
    if (random() > 0.02)
      batch.push({
        seq: ++seq,
        event: { kind: 'resolved', alertId: `a${j}`, source: 'alertmanager', at: at + 60_000, endsAt: at + 60_000 },
      });
  }
  store.commit('f', batch, false);
  store.fullText.catchUp(); // the full-text index, as the console's indexer keeps it (a moment behind)
}
store.fullText.catchUp(); // a history from before migration 9 is indexed by the migration; this is a no-op then
const buildS = (performance.now() - t0) / 1000;
store.db.pragma('wal_checkpoint(TRUNCATE)');
store.db.pragma('optimize');
if (reuse) console.log(`history: reusing ${dir}`);
else
  console.log(
    `history: ${N.toLocaleString('en')} alerts (${seq.toLocaleString('en')} events) built in ${buildS.toFixed(0)} s through AlertStore.commit; file ${(statSync(join(dir, 'history.sqlite')).size / 1e6).toFixed(0)} MB`,
  );

/** Median and worst of several runs of a query (the first run warms the page cache). */
function time(name: string, run: () => unknown): number {
  run();
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p50 = ms[3]!;
  console.log(
    `  ${name.padEnd(58)} ${p50.toFixed(1).padStart(6)} ms median, ${ms[6]!.toFixed(1).padStart(6)} ms worst  ${p50 < 50 ? 'ok' : 'OVER 50 ms'}`,
  );
  return p50;
}

const day: AlertFilter = { from: END - 2 * DAY, to: END - DAY };
const filtered: AlertFilter = { ...day, severities: ['critical', 'high'], categories: ['security'], status: 'any' };
const text: AlertFilter = { text: 'replication db-17' };
const page = (filter: AlertFilter) => {
  const first = store.searchHistory(filter, 100);
  const last = first.rows.at(-1);
  return () => (last ? store.searchHistory(filter, 100, { at: last.updatedAt, seq: last.firstSeq }) : first);
};
console.log('queries (7 runs each after a warm-up):');
const results = [
  time('latest 100 (with total)', () => store.searchHistory({}, 100)),
  time('latest 100, next page (keyset)', page({})),
  time('filtered: 24 h range, critical+high, security (with total)', () => store.searchHistory(filtered, 100)),
  time('filtered, next page', page(filtered)),
  time(`text search "${text.text}" (with total)`, () => store.searchHistory(text, 100)),
  time('text search, next page', page(text)),
  time('text search in a 24 h range, critical+high', () => store.searchHistory({ ...filtered, text: 'disk' }, 100)),
  time('per-minute counts over 24 h (rollup)', () => store.minuteCounts(END - DAY, END)),
  time('active alerts (2% firing, board filter: critical)', () => store.activeAlerts({ severities: ['critical'] })),
];
console.log(
  `  result sizes: latest ${store.searchHistory({}, 100).total.toLocaleString('en')} total, filtered ${store.searchHistory(filtered, 100).total}, text ${store.searchHistory(text, 100).total}, minutes ${store.minuteCounts(END - DAY, END).length}`,
);
console.log(`  ${results.filter((ms) => ms < 50).length}/${results.length} under 50 ms`);
// Queries over an empty or truncated history are fast and mean nothing: the history must be what the bench names.
const sizes = {
  total: store.searchHistory({}, 100).total,
  filtered: store.searchHistory(filtered, 100).total,
  text: store.searchHistory(text, 100).total,
};
if (sizes.total < N || sizes.filtered === 0 || sizes.text === 0)
  throw new Error(`the history is not what was measured: ${JSON.stringify(sizes)} for ${N} alerts`);
store.close();
if (!keep) rmSync(dir, { recursive: true, force: true });
