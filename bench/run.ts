/**
 * `npm run bench`: every benchmark in sequence, each printing its ratio against a baseline
 * measured in the same run. Loopback only, bounded; about three minutes on 2 cores.
 */
import { spawnSync } from 'node:child_process';

const steps: Array<[string, string[]]> = [
  ['build', ['node', 'scripts/build.mjs']],
  ['receive → validate vs raw ws', ['npx', 'tsx', 'bench/receive-validate.ts']],
  ['pipeline vs bare insert', ['npx', 'tsx', 'bench/pipeline.ts']],
  ['gateway fan-out to 1, 10, 100 consoles vs raw ws', ['npx', 'tsx', 'bench/gateway-fanout.ts']],
  ['gateway replay of 1,000,000 events vs raw ws', ['npx', 'tsx', 'bench/gateway-replay.ts']],
  ['UI under a storm', ['npx', 'tsx', 'bench/ui-storm.ts', '15']],
];
for (const [name, [command, ...args]] of steps) {
  console.log(`\n=== ${name}`);
  const result = spawnSync(command!, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
