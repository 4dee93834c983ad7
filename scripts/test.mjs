// `npm test`: typecheck, lint, unit and lint-rule tests (Vitest, plain Node), end-to-end tests
// (Playwright, Debian's Chromium). Prints what ran in each stage and one closing line
// "tests: N passed, N failed". A stage that ran no test, or any skipped test, fails the run:
// a skipped test is something nobody verified.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const results = 'test-results';
mkdirSync(results, { recursive: true });

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return child.status === 0;
}

const stages = [];
// Three programs: Node code, the renderer (DOM), and the Playwright specs (Node and, inside page.evaluate, DOM).
let ok = ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.e2e.json']
  .map((config) => run('typecheck', 'npx', ['tsc', '-p', config]))
  .every(Boolean);
ok = run('lint', 'npx', ['eslint', '--max-warnings', '0', '.']) && ok;
ok = run('format', 'npx', ['prettier', '--check', '.']) && ok;

// The two Vitest projects one after the other, not side by side: the bundled project's cluster,
// kill and storm tests load both cores, and unit tests that measure latency (a notification on the
// bus within 100 ms of its commit) must not share the machine with them.
const vitestOk = ['unit', 'bundled']
  .map((project) =>
    run(`${project} tests`, 'npx', [
      'vitest',
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${results}/vitest-${project}.json`,
    ]),
  )
  .every(Boolean);
const unit = { name: 'unit', passed: 0, failed: 0, skipped: 0 };
const lintRules = { name: 'lint-rule', passed: 0, failed: 0, skipped: 0 };
for (const project of ['unit', 'bundled']) {
  try {
    const report = JSON.parse(readFileSync(`${results}/vitest-${project}.json`, 'utf8'));
    for (const file of report.testResults) {
      const bucket = file.name.includes('/tests/lint/') ? lintRules : unit;
      for (const test of file.assertionResults) {
        if (test.status === 'passed') bucket.passed++;
        else if (test.status === 'failed') bucket.failed++;
        else bucket.skipped++;
      }
      if (file.status === 'failed' && file.assertionResults.length === 0) bucket.failed++; // a file that failed to load
    }
  } catch (error) {
    console.error(`could not read the Vitest report of ${project}: ${error.message}`);
    unit.failed++;
  }
}
stages.push(unit, lintRules);

const e2e = { name: 'end-to-end', passed: 0, failed: 0, skipped: 0 };
const e2eOk =
  run('build', 'node', ['scripts/build.mjs']) &&
  run('end-to-end tests', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/playwright.json`,
  });
try {
  const stats = JSON.parse(readFileSync(`${results}/playwright.json`, 'utf8')).stats;
  e2e.passed = stats.expected + stats.flaky;
  e2e.failed = stats.unexpected;
  e2e.skipped = stats.skipped;
} catch (error) {
  console.error(`could not read the Playwright report: ${error.message}`);
  e2e.failed++;
}
stages.push(e2e);

console.log('\n=== summary');
for (const stage of stages) {
  console.log(`${stage.name.padEnd(12)} ${stage.passed} passed, ${stage.failed} failed, ${stage.skipped} skipped`);
  if (stage.passed === 0) console.log(`${stage.name}: ran no test`);
}
const total = stages.reduce(
  (sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const green = ok && vitestOk && e2eOk && total.failed === 0 && total.skipped === 0 && stages.every((s) => s.passed > 0);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (!ok) console.log('typecheck or lint failed');
process.exit(green ? 0 : 1);
