/**
 * Playwright fixtures: every test gets its own browser console (a real core in a worker
 * thread, a real SQLite file, the embedded demo gateway unless a feed is given) in a fresh
 * data directory, started from the built bundles and stopped after the test.
 */
import { test as base } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Started } from '../support/processes.js';

export type ConsoleInstance = { url: string; dataDir: string; process: Started };

/** Start `node dist/webshell/cli.cjs` and read the URL it prints. */
export async function startConsole(
  options: {
    dataDir?: string;
    feed?: { url: string; token: string };
    nativeNotificationsOn?: { env: NodeJS.ProcessEnv };
  } = {},
): Promise<ConsoleInstance> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tocsin-e2e-'));
  // No native notifications from end-to-end runs unless a test asks, with an environment of its own:
  // they would pop up on a developer's desktop.
  const args = ['dist/webshell/cli.cjs', '--port', '0', '--data-dir', dataDir];
  if (!options.nativeNotificationsOn) args.push('--no-notifications');
  if (options.feed) args.push('--feed', options.feed.url, '--feed-token', options.feed.token);
  const process = await startProcess('node', args, /Tocsin console: (\S+)/, {
    env: options.nativeNotificationsOn?.env ?? {},
  });
  return { url: process.match[1]!, dataDir, process };
}

export type GatewayInstance = {
  url: string;
  token: string;
  journal: string;
  process: Started;
  restart(): Promise<GatewayInstance>;
};

/**
 * Start the standalone gateway (`node dist/gateway/cli.cjs --config …`) with a short heartbeat.
 * `restart()` starts it again on the same port and journal, as an operator would.
 */
export async function startGatewayProcess(
  options: {
    port?: number;
    journal?: string;
    demo?: boolean;
    stormPerMinute?: number;
    limits?: Record<string, number>;
  } = {},
): Promise<GatewayInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-e2e-gw-'));
  const token = 'e2e-gateway-token-0123456789';
  const journal = options.journal ?? join(dir, 'journal.sqlite');
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: options.port ?? 0 },
      tokens: [token],
      journal: { path: journal },
      heartbeatMs: 1000,
      demo: { enabled: options.demo ?? false, seed: 42, stormPerMinute: options.stormPerMinute ?? 0 },
      ...(options.limits ? { limits: options.limits } : {}),
    }),
  );
  const process = await startProcess('node', ['dist/gateway/cli.cjs', '--config', config], /Tocsin gateway: (\S+)/);
  const url = process.match[1]!;
  const port = Number(new URL(url).port);
  return {
    url,
    token,
    journal,
    process,
    restart: () => startGatewayProcess({ port, journal, demo: options.demo ?? false }),
  };
}

/** Raise or resolve alerts through the gateway's HTTP events endpoint; resolves with the seqs. */
export async function postEvents(gateway: GatewayInstance, events: unknown): Promise<number[]> {
  const http = gateway.url.replace(/^ws/, 'http').replace(/\/v1\/feed$/, '/v1/events');
  const response = await fetch(http, {
    method: 'POST',
    body: JSON.stringify(events),
    headers: { authorization: `Bearer ${gateway.token}` },
  });
  if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { seqs: number[] }).seqs;
}

/** A standalone gateway and a console connected to it, both started for the test and stopped after it. */
export type Linked = { gateway: GatewayInstance; tocsin: ConsoleInstance };

export const test = base.extend<{ tocsin: ConsoleInstance; linked: Linked }>({
  /** A console on the embedded demo feed. */
  tocsin: async ({}, use) => {
    const instance = await startConsole();
    await use(instance);
    await instance.process.stop();
  },
  /** A console whose feed is a standalone gateway the test posts alerts to. */
  linked: async ({}, use) => {
    const gateway = await startGatewayProcess();
    try {
      const tocsin = await startConsole({ feed: gateway });
      try {
        await use({ gateway, tocsin });
      } finally {
        await tocsin.process.stop();
      }
    } finally {
      await gateway.process.stop();
    }
  },
});
export { expect } from '@playwright/test';
