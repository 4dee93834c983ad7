/**
 * zombie link: the gateway is frozen (SIGSTOP) with the TCP connection still open.
 * The console must say stale, then disconnected, within two heartbeats plus a stated margin,
 * and after SIGCONT resume with nothing lost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../main/core/console-core.js';
import { postEvents, startGatewayProcess } from '../e2e/fixtures.js';
import { until } from './soak.js';

const HEARTBEAT_MS = 1000;
/** Detection runs every heartbeat/4, and the status reaches observers at once: 250 ms margin + scheduling slack. */
const MARGIN_MS = 500;

describe('zombie link', () => {
  it('shows stale then disconnected within two heartbeats, and resumes with nothing lost after SIGCONT', async () => {
    const gateway = await startGatewayProcess();
    const core = await ConsoleCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-zombie-')),
      userName: 'ann',
      random: () => 0.05,
      feeds: [{ id: 'g', name: 'gateway', url: gateway.url, token: gateway.token }],
    });
    const transitions: Array<{ state: string; at: number }> = [];
    core.onUpdate((u) => u.feeds.forEach((f) => transitions.push({ state: f.state, at: Date.now() })));
    const state = async () => (await core.handlers.feedStatus({}))[0]!.state;
    try {
      await until(async () => (await state()) === 'live', 5_000, 'live');
      const fired = (n: number) => ({
        kind: 'fired',
        alertId: `z${n}`,
        alert: { title: `zombie ${n}`, severity: 'high', category: 'outage' },
      });
      await postEvents(gateway, [1, 2, 3].map(fired));
      await until(() => core.store.cursor('g') === 3, 5_000, 'first events');

      process.kill(gateway.process.child.pid!, 'SIGSTOP');
      const frozen = Date.now();
      await until(async () => (await state()) === 'stale', 1.5 * HEARTBEAT_MS + MARGIN_MS + 1000, 'stale');
      const staleAfter = Date.now() - frozen;
      await until(async () => (await state()) === 'disconnected', 2 * HEARTBEAT_MS + MARGIN_MS + 1000, 'disconnected');
      const disconnectedAfter = Date.now() - frozen;
      expect(staleAfter).toBeLessThanOrEqual(1.5 * HEARTBEAT_MS + MARGIN_MS);
      expect(disconnectedAfter).toBeLessThanOrEqual(2 * HEARTBEAT_MS + MARGIN_MS);
      console.log(
        `zombie link: stale after ${staleAfter} ms, disconnected after ${disconnectedAfter} ms (heartbeat ${HEARTBEAT_MS} ms)`,
      );

      process.kill(gateway.process.child.pid!, 'SIGCONT');
      await postEvents(gateway, [4, 5, 6].map(fired));
      await until(async () => (await state()) === 'live' && core.store.cursor('g') === 6, 20_000, 'resumed');
      const rows = core.store.db.prepare("SELECT seq FROM events WHERE feed_id = 'g' ORDER BY seq").all() as Array<{
        seq: number;
      }>;
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      try {
        process.kill(gateway.process.child.pid!, 'SIGCONT');
      } catch {
        // already gone
      }
      await core.close();
      await gateway.process.stop();
    }
  }, 40_000);
});
