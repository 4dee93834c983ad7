/**
 * Helpers for the core supervision tests: a browser console started with its test hooks on
 * (TOCSIN_TEST_HOOKS=1: SIGUSR1 crashes the core's worker, SIGUSR2 hangs it), a short watchdog,
 * and a direct line to its `/api` socket for reading the history as the page would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { OperationName, Result } from '../../common/api/contract.js';
import { startProcess } from '../support/processes.js';
import type { ConsoleInstance } from './fixtures.js';

/** Start a console on `feed` with the test hooks on; `desktopEnv` turns native notifications on, in that session. */
export async function startHookedConsole(options: {
  feed: { url: string; token: string };
  watchdogMs: number;
  desktopEnv?: NodeJS.ProcessEnv;
}): Promise<ConsoleInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-e2e-core-'));
  const args = [
    'dist/webshell/cli.cjs',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--feed',
    options.feed.url,
    '--feed-token',
    options.feed.token,
    '--core-watchdog-ms',
    String(options.watchdogMs),
  ];
  if (!options.desktopEnv) args.push('--no-notifications');
  // Ready once the signal handlers are installed: before that, SIGUSR2 would end the process.
  const process = await startProcess('node', args, /Tocsin console: (\S+)[\s\S]*test hooks on/, {
    env: { ...options.desktopEnv, TOCSIN_TEST_HOOKS: '1' },
  });
  return { url: process.match[1]!, dataDir, process };
}

/** Make the console's core crash (an uncaught exception in its worker) or hang (a busy loop). */
export function injectCoreFault(tocsin: ConsoleInstance, fault: 'crash' | 'hang'): void {
  tocsin.process.child.kill(fault === 'crash' ? 'SIGUSR1' : 'SIGUSR2');
}

/** Call one api operation over the console's `/api` socket, with the token it printed. */
export async function callApi(tocsin: ConsoleInstance, op: OperationName, request: unknown): Promise<Result<unknown>> {
  const page = new URL(tocsin.url);
  const ws = new WebSocket(`ws://${page.host}/api?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise<Result<unknown>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: Result<unknown> };
        if (message.id === 1 && message.result) resolve(message.result);
      });
      ws.once('close', () => reject(new Error(`the console closed the socket before answering ${op}`)));
      ws.send(JSON.stringify({ id: 1, op, request }));
    });
  } finally {
    ws.close();
  }
}

/** Fires one alert every `everyMs` through the gateway until stopped; resolves with the alert ids it published. */
export function publishSteadily(
  post: (event: unknown) => Promise<number[]>,
  prefix: string,
  everyMs: number,
): { stop(): Promise<string[]> } {
  const published: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const alertId = `${prefix}-${i}`;
      await post({
        kind: 'fired',
        alertId,
        alert: {
          title: `Steady ${alertId}`,
          body: 'published while the core restarts',
          severity: 'warning',
          category: 'performance',
          host: 'web-01',
          labels: {},
        },
      });
      published.push(alertId);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return published;
    },
  };
}
