/**
 * Replay of a large backlog from a JetStream journal against a SQLite journal, in one run. The
 * same `events` alert events (a realistic backlog: `alerts` alerts, each firing again and again)
 * are journaled into each; that is not timed. Then, for each backend, a gateway is started cold
 * on it and one console says hello with seq 0; timed from the gateway's start to the console
 * having counted every event. A JetStream gateway first reads the whole stream into its local
 * copy before it listens, so its figure includes that catch-up, which is also printed on its own.
 * A real single-node nats-server runs the stream (store in a temp dir).
 *
 * Seeding JetStream through a gateway's append runs at about 2,100 events/s (a KV round trip per
 * alert); bench/support/jetstream-seed.ts journals the first events through a real gateway,
 * checks that the stream and KV hold exactly what it would publish itself, and publishes the rest
 * straight to the stream, pipelined, with the final alert states stored as the gateway stores them.
 *
 * The two replays alternate for `rounds` rounds and the fastest of each backend is compared.
 * Fails loudly unless each console counted every one of the events with seqs 1..N contiguous,
 * and unless the whole run ends within its bound (seeding and both replays). The CPU other
 * processes used during each replay is printed beside it (bench/support/machine-load.ts).
 *   npx tsx bench/cluster-replay.ts [events=1000000] [alerts=1000] [rounds=2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBPROTOCOL } from '../common/protocol/frames.js';
import type { GatewayConfigInput } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { Journal } from '../gateway/journal/journal.js';
import { startNats } from '../tests/support/nats.js';
import { seedJetStream } from './support/jetstream-seed.js';
import { describeOtherLoad, otherLoadWindow, type OtherLoad } from './support/machine-load.js';
import { benchEvent } from './support/pipeline-events.js';
import { startSeqCheckingClient } from './support/seq-checking-client.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ALERTS = Number(process.argv[3] ?? 1_000);
const ROUNDS = Number(process.argv[4] ?? 2);
if (![N, ALERTS, ROUNDS].every((n) => Number.isInteger(n) && n >= 1))
  throw new Error('usage: npx tsx bench/cluster-replay.ts [events=1000000] [alerts=1000] [rounds=2]');
/** Each replay's bound; and the whole run's (seeding included), after which it exits non-zero. */
const REPLAY_TIMEOUT_MS = 600_000;
const RUN_TIMEOUT_MS = 45 * 60_000;
const TOKEN = 'bench-token-0123456789abcdef';
const BATCH = 1_000;
const WINDOW = { maxEvents: 10_000_000, maxAgeMs: 10 * 365 * 24 * 3600_000 };
const event = (i: number) => benchEvent(i, { alerts: ALERTS });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const watchdog = setTimeout(() => {
  console.error(`cluster-replay: not finished within ${RUN_TIMEOUT_MS / 60_000} minutes: no figures`);
  process.exit(1);
}, RUN_TIMEOUT_MS);
watchdog.unref();

/** From a cold gateway start to one console having counted all N events in order: total and the start alone (ms). */
async function replay(
  journal: GatewayConfigInput['journal'],
): Promise<{ totalMs: number; startMs: number; others: OtherLoad }> {
  const window = otherLoadWindow();
  const t0 = Date.now();
  const gateway = await startGateway(
    { listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal },
    { log: (message) => console.log(`  gateway: ${message}`) },
  );
  const startMs = Date.now() - t0;
  const console_ = startSeqCheckingClient(
    { url: gateway.url, expect: N, token: TOKEN, protocol: SUBPROTOCOL },
    REPLAY_TIMEOUT_MS,
  );
  try {
    const result = await console_.done;
    if (result.count !== N || result.last !== N)
      throw new Error(`the console counted ${result.count} events up to seq ${result.last}, not 1..${N}`);
    return { totalMs: result.at - t0, startMs, others: window.stop() };
  } finally {
    await console_.stop();
    await gateway.close();
  }
}

console.log(
  `cluster-replay: ${N.toLocaleString('en')} events of ${ALERTS.toLocaleString('en')} alerts; load ${load()}`,
);
const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-cluster-replay-'));
const nats = await startNats(1);
try {
  let t = Date.now();
  const sqlitePath = join(dir, 'journal.sqlite');
  const sqlite = new Journal({ path: sqlitePath, ...WINDOW });
  for (let i = 0; i < N; i += BATCH)
    sqlite.append(Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({ event: event(i + j) })));
  const sqliteLast = sqlite.bounds().last;
  sqlite.close();
  if (sqliteLast !== N) throw new Error(`the SQLite journal holds ${sqliteLast} events, not ${N}`);
  console.log(`  seeded SQLite in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  t = Date.now();
  const seed = await seedJetStream({
    servers: nats.servers,
    stream: 'REPLAY',
    window: WINDOW,
    events: N,
    event,
    token: TOKEN,
    log: (message) => console.log(`  ${message}`),
  });
  console.log(
    `  seeded JetStream in ${((Date.now() - t) / 1000).toFixed(1)} s (direct publishes at ${Math.round(seed.directRate).toLocaleString('en')}/s; ${seed.alerts} alert states in KV); load ${load()}`,
  );

  // Interleaved rounds, the fastest of each compared: on a shared machine, another process's
  // burst then slows one replay of a backend, not the backend's figure.
  const runs: Record<'sqlite' | 'jetstream', Array<Awaited<ReturnType<typeof replay>>>> = { sqlite: [], jetstream: [] };
  const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString('en');
  const show = (name: string, run: Awaited<ReturnType<typeof replay>>) =>
    console.log(
      `  ${name.padEnd(9)} ${(run.totalMs / 1000).toFixed(1)} s, ${rate(run.totalMs)} events/s; start ${(run.startMs / 1000).toFixed(1)} s` +
        `${name === 'jetstream' ? ' (reading the stream into the local copy)' : ''}; ${describeOtherLoad(run.others)}`,
    );
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round} of ${ROUNDS}:`);
    runs.sqlite.push(await replay({ path: sqlitePath, ...WINDOW }));
    show('sqlite', runs.sqlite.at(-1)!);
    runs.jetstream.push(await replay({ kind: 'jetstream', servers: nats.servers, stream: 'REPLAY', ...WINDOW }));
    show('jetstream', runs.jetstream.at(-1)!);
  }
  const best = (name: 'sqlite' | 'jetstream') => runs[name].reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  console.log(
    `replay of ${N.toLocaleString('en')} events (${ALERTS.toLocaleString('en')} alerts) to one console from seq 0, from a cold gateway start; seqs 1..${N} contiguous in every replay; fastest of ${ROUNDS}:`,
  );
  show('sqlite', best('sqlite'));
  show('jetstream', best('jetstream'));
  console.log(`  ratio jetstream / sqlite time: ${(best('jetstream').totalMs / best('sqlite').totalMs).toFixed(2)}`);
  console.log(`  load average at the end: ${load()}`);
} finally {
  clearTimeout(watchdog);
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
