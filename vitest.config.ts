import { defineConfig } from 'vitest/config';

/** Unit and integration tests in plain Node, beside the code they test. Playwright specs live in tests/e2e. */
export default defineConfig({
  test: {
    include: ['{common,main,preload,gateway,webshell,renderer,scripts,tests}/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Once before any test: the bundles (gateway processes, the core worker, the web console).
    globalSetup: ['tests/support/build-bundles.ts'],
    // Heap figures in the reliability tests force a collection first (global.gc).
    execArgv: ['--expose-gc'],
  },
});
