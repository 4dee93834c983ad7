/**
 * alert storm: 10,000 alerts a second for 10 s (60 s under `npm run soak`) from the
 * gateway's storm mode into the console core running in its worker thread, with native
 * notifications on (real dunst). Every alert reaches the history; notifications stay within
 * the per-minute cap (digests); the thread that serves the UI keeps its event-loop lag low.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreHost } from '../../main/core/host/core-host.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../common/notify/settings.js';
import { startDesktopSession, type DesktopSession } from '../support/desktop-session.js';
import { startGatewayProcess, type GatewayInstance } from '../e2e/fixtures.js';
import { scale, until } from './soak.js';

const SECONDS = scale(10, 60);
const root = join(import.meta.dirname, '../..');
let desktop: DesktopSession;
beforeAll(async () => {
  desktop = await startDesktopSession();
}, 60_000);
afterAll(async () => {
  desktop?.dunstctl('close-all');
  await desktop?.stop();
});

describe('alert storm', () => {
  it(`stores every alert of a ${SECONDS * 10} thousand-alert storm at 10,000/s, notifies within the cap, and keeps the UI thread responsive`, async () => {
    let gateway: GatewayInstance | null = null;
    const saved = { DISPLAY: process.env.DISPLAY, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    Object.assign(process.env, {
      DISPLAY: desktop.env.DISPLAY,
      DBUS_SESSION_BUS_ADDRESS: desktop.env.DBUS_SESSION_BUS_ADDRESS,
    });
    let host: CoreHost | null = null;
    try {
      gateway = await startGatewayProcess({ demo: true, stormPerMinute: 600_000 });
      host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), {
        dataDir: mkdtempSync(join(tmpdir(), 'tocsin-storm-')),
        userName: 'ann',
        notifications: 'native',
        feeds: [{ id: 'storm', name: 'storm', url: gateway.url, token: gateway.token }],
      });
      Object.assign(process.env, saved);
      let updates = 0;
      let alertsInUpdates = 0;
      host.onUpdate((u) => {
        updates++;
        alertsInUpdates += u.alerts.length;
      });
      const notifiesBefore = desktop.notifyCalls().length;
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const started = Date.now();
      // The storm is counted, not timed: wait until the gateway has journaled the whole storm
      // (SECONDS × 10,000 alerts). A machine busy with other tests may journal it more slowly than
      // 10,000/s; the rate it reached is printed, and a storm slower than a quarter of the rate
      // fails here, naming it, because then this test would not have measured a storm.
      const target = SECONDS * 10_000;
      const journal = new Database(gateway.journal, { readonly: true });
      const journaled = () =>
        (journal.prepare('SELECT MAX(seq) AS last FROM events').get() as { last: number | null }).last ?? 0;
      const before = journaled();
      await until(
        async () => journaled() >= target,
        SECONDS * 4_000,
        `the gateway journaling a storm of ${target} alerts`,
      );
      const stormMs = Date.now() - started;
      lag.disable();
      // Everything journaled by now must reach the history while the storm goes on: the console keeps up.
      // It reaches a fixed seq while the storm goes on beside it, on the same two cores as the other
      // test files: 3 to 62 s after in CI runs, so bounded at 240 s (a stalled console still fails).
      const last = journaled();
      journal.close();
      const stored = async () => {
        const result = await host!.invoke('feedStatus', {});
        return result.ok ? result.value[0]!.lastSeq : 0;
      };
      await until(async () => (await stored()) >= last, 240_000, `history catching up to ${last}`);
      const behindBy = Date.now() - started - stormMs;
      const notifications = desktop.notifyCalls().length - notifiesBefore;
      const minutes = Math.max(1, Math.ceil((Date.now() - started) / 60_000));
      const p99 = lag.percentile(99) / 1e6;
      console.log(
        `alert storm: ${last} events journaled, ${last - before} of them in the ${stormMs} ms after the console started (${Math.round((last - before) / (stormMs / 1000))}/s), all stored (caught up ${behindBy} ms after), ${updates} UI updates carrying ${alertsInUpdates} alert rows, ${notifications} notifications, UI-thread event-loop lag p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms p99 ${p99.toFixed(1)} ms max ${(lag.max / 1e6).toFixed(1)} ms`,
      );
      expect(last).toBeGreaterThanOrEqual(target);
      expect(notifications).toBeGreaterThan(0);
      // The cap holds per storm (category × severity); by default security and outage at high and
      // critical notify, so at most four storms, each within its cap.
      const storms = DEFAULT_NOTIFICATION_SETTINGS.categories.length * 2;
      expect(notifications).toBeLessThanOrEqual(DEFAULT_NOTIFICATION_SETTINGS.capPerMinute * storms * minutes);
      expect(p99).toBeLessThan(50);
    } finally {
      Object.assign(process.env, saved);
      await host?.close();
      await gateway?.process.stop();
    }
  }, 420_000);
});
