/**
 * `npm run bench`: every benchmark in sequence, each printing its ratio against a baseline
 * measured in the same run. Loopback only, bounded; about twelve minutes on 2 cores (the first
 * run builds the one-million-alert history, later runs reuse it from the temp directory).
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steps: Array<[string, string[]]> = [
  ['build', ['node', 'scripts/build.mjs']],
  ['receive → validate vs raw ws', ['npx', 'tsx', 'bench/receive-validate.ts']],
  ['pipeline vs bare insert', ['npx', 'tsx', 'bench/pipeline.ts']],
  ['the ceiling for that ratio: bare insert with only a hand-off', ['npx', 'tsx', 'bench/pipeline-ceiling.ts']],
  [
    'publish → commit latency at 1,000 and 10,000/s, memory through 1,000,000 events',
    ['npx', 'tsx', 'bench/core-latency.ts', '10', '1000000'],
  ],
  ['full-text re-indexing, migration 9 vs FTS5 defaults', ['npx', 'tsx', 'bench/fts-reindex.ts']],
  [
    'history queries on 1,000,000 alerts',
    ['npx', 'tsx', 'bench/core-history.ts', '1000000', '--keep', join(tmpdir(), 'tocsin-bench-history-1m')],
  ],
  ['gateway fan-out to 1, 10, 100 consoles vs raw ws', ['npx', 'tsx', 'bench/gateway-fanout.ts']],
  ['gateway replay of 1,000,000 events vs raw ws', ['npx', 'tsx', 'bench/gateway-replay.ts']],
  [
    'webhook → client latency with real Alertmanager vs direct POST',
    ['npx', 'tsx', 'bench/alertmanager-latency.ts', '100'],
  ],
  ['UI under a storm', ['npx', 'tsx', 'bench/ui-storm.ts', '15']],
  ['commit → Notify on the bus, D-Bus vs notify-send (real dunst)', ['npx', 'tsx', 'bench/notify-latency.ts']],
  [
    'POST to real Alertmanager → Notify on the bus, D-Bus vs notify-send',
    ['npx', 'tsx', 'bench/alertmanager-notify.ts', '50'],
  ],
  ['publish → console, JetStream journal vs SQLite journal', ['npx', 'tsx', 'bench/cluster-latency.ts', '2000']],
  ['cold replay from JetStream vs SQLite', ['npx', 'tsx', 'bench/cluster-replay.ts', '200000']],
  ['1,000 consoles over three gateways vs one', ['npx', 'tsx', 'bench/cluster-fanout.ts', '1000', '300']],
  [
    'escalation: 100,000 open ladders idle, cancel on ack, sending to SMTP vs raw',
    ['npx', 'tsx', 'bench/escalation.ts', '100000', '300'],
  ],
];
for (const [name, [command, ...args]] of steps) {
  console.log(`\n=== ${name}`);
  const result = spawnSync(command!, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
