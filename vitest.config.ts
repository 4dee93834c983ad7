import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests in plain Node, beside the code they test; Playwright specs live in
 * tests/e2e. Two projects: `unit` runs from the sources and builds nothing, so
 * `npx vitest run main/core/notify` takes seconds; `bundled` holds the tests that start the
 * built programs (gateway processes, the core's worker thread, the browser console) or whole
 * clusters (NATS, gateways, HAProxy), and builds every bundle once before them. `npm test` runs
 * the two one after the other.
 */
const BUNDLED = [
  'tests/reliability/**/*.test.ts',
  'tests/cluster/**/*.test.ts',
  'main/core/host/**/*.test.ts',
  'tests/shell/**/*.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['tests/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Heap figures in the reliability tests force a collection first (global.gc).
    execArgv: ['--expose-gc'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{common,main,preload,gateway,webshell,renderer,scripts,tests}/**/*.test.{ts,tsx}'],
          exclude: [...BUNDLED, 'tests/e2e/**', 'node_modules/**', 'dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'bundled',
          include: BUNDLED,
          // One file at a time: the storm, kill and latency tests measure rates and timings on
          // 2 cores, and another file's work beside them made the storm fall short of its rate.
          fileParallelism: false,
          // Once before these tests: they load dist/, which must be built from the sources under test.
          globalSetup: ['tests/support/build-bundles.ts'],
        },
      },
    ],
  },
});
