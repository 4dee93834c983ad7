/**
 * Playwright fixtures: every test gets its own browser console (a real core in a worker
 * thread, a real SQLite file, the embedded demo gateway unless a feed is given) in a fresh
 * data directory, started from the built bundles and stopped after the test.
 */
import { test as base } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Started } from '../support/processes.js';

export type ConsoleInstance = { url: string; dataDir: string; process: Started };

/** Start `node dist/webshell/cli.cjs` and read the URL it prints. */
export async function startConsole(options: { dataDir?: string; feed?: { url: string; token: string } } = {}): Promise<ConsoleInstance> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tocsin-e2e-'));
  // No native notifications from end-to-end runs: they would pop up on a developer's desktop.
  const args = ['dist/webshell/cli.cjs', '--port', '0', '--data-dir', dataDir, '--no-notifications'];
  if (options.feed) args.push('--feed', options.feed.url, '--feed-token', options.feed.token);
  const process = await startProcess('node', args, /Tocsin console: (\S+)/);
  return { url: process.match[1]!, dataDir, process };
}

export const test = base.extend<{ tocsin: ConsoleInstance }>({
  tocsin: async ({}, use) => {
    const instance = await startConsole();
    await use(instance);
    await instance.process.stop();
  },
});
export { expect } from '@playwright/test';
