/**
 * reconnect storm: 200 consoles are connected when the gateway is killed and
 * restarted. All must resume, and the reconnections must be spread by jitter: the peak in any
 * second at most twice the mean over the backoff window (main/core/feed/backoff.ts: the first
 * retry after losing a live link is spread over afterLiveMs, 5 s; one that comes too early goes
 * to the next window). A simulation of this schedule (12,000 runs, gateway down 1.25–3 s) put the
 * peak at 69 at most against the bound of 80.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../main/core/console-core.js';
import { DEFAULT_BACKOFF } from '../../main/core/feed/backoff.js';
import { connectWebSocket, type SocketFactory } from '../../main/core/feed/feed-socket.js';
import { postEvents, startGatewayProcess } from '../e2e/fixtures.js';
import { scale, until } from './soak.js';

const CONSOLES = scale(200, 200);

describe('reconnect storm', () => {
  it(`resumes all ${CONSOLES} consoles after a gateway restart, reconnections spread: peak per second at most twice the mean`, async () => {
    let gateway = await startGatewayProcess();
    const opened: number[] = [];
    // The real socket factory, watched: every successful open is a reconnection.
    const connect: SocketFactory = (endpoint) => {
      const socket = connectWebSocket(endpoint);
      socket.on('open', () => opened.push(Date.now()));
      return socket;
    };
    const consoles: ConsoleCore[] = [];
    try {
      for (let i = 0; i < CONSOLES; i++) {
        consoles.push(
          await ConsoleCore.open({
            dataDir: mkdtempSync(join(tmpdir(), 'tocsin-storm-c-')),
            userName: `c${i}`,
            connect,
            feeds: [{ id: 'g', name: 'gateway', url: gateway.url, token: gateway.token }],
          }),
        );
      }
      await postEvents(gateway, [
        {
          kind: 'fired',
          alertId: 'before',
          alert: { title: 'before the restart', severity: 'high', category: 'outage' },
        },
      ]);
      await until(() => consoles.every((c) => c.store.cursor('g') === 1), 30_000, 'all consoles live');

      opened.length = 0;
      gateway.process.child.kill('SIGKILL');
      const killed = Date.now();
      await new Promise((r) => setTimeout(r, 1_000)); // down for a second
      gateway = await gateway.restart();
      await postEvents(gateway, [
        {
          kind: 'fired',
          alertId: 'after',
          alert: { title: 'after the restart', severity: 'high', category: 'outage' },
        },
      ]);
      await until(() => consoles.every((c) => c.store.cursor('g') === 2), 90_000, 'all consoles resumed');

      const times = opened.map((t) => t - killed).sort((a, b) => a - b);
      const window = Math.max(1_000, times.at(-1)! - times[0]!);
      const mean = times.length / (window / 1000);
      let peak = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= 1000) j++;
        peak = Math.max(peak, i - j + 1);
      }
      const backoffWindowMean = CONSOLES / (DEFAULT_BACKOFF.afterLiveMs! / 1000);
      console.log(
        `reconnect storm: ${CONSOLES} consoles, ${times.length} reconnections between ${times[0]} and ${times.at(-1)} ms after the kill; peak ${peak} in any second: ${(peak / backoffWindowMean).toFixed(2)}× the mean over the ${DEFAULT_BACKOFF.afterLiveMs} ms backoff window (${backoffWindowMean}/s), ${(peak / mean).toFixed(2)}× the mean from first to last (${mean.toFixed(0)}/s); all resumed`,
      );
      expect(times.length).toBe(CONSOLES);
      expect(peak).toBeLessThanOrEqual(2 * backoffWindowMean);
    } finally {
      for (const c of consoles) await c.close();
      await gateway.process.stop();
    }
  }, 180_000);
});
