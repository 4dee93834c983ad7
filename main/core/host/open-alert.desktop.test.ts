/**
 * A notification's Open, end to end through the real worker thread: a critical alert from a
 * real gateway is notified through dunst; invoking its default action (Open) makes the host
 * report `open-alert` (the shell shows the window) and push a focus update (the renderer shows
 * that alert).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import { startDesktopSession, type DesktopSession } from '../../../tests/support/desktop-session.js';
import type { UiUpdate } from '../../../common/api/contract.js';
import { CoreHost } from './core-host.js';
import { until } from '../../../tests/support/until.js';

const root = join(import.meta.dirname, '../../..');
const TOKEN = 'open-alert-token-0123456789';
let desktop: DesktopSession;
let gateway: Gateway;
beforeAll(async () => {
  desktop = await startDesktopSession();
  gateway = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-open-')), 'j.sqlite') },
  });
}, 60_000);
afterAll(async () => {
  desktop?.dunstctl('close-all');
  await gateway?.close();
  await desktop?.stop();
});

describe('Open on a notification', () => {
  it('asks the shell to show the window and the renderer to show that alert', async () => {
    // The worker thread inherits this environment: its notify-send talks to the test's dunst.
    const saved = { DISPLAY: process.env.DISPLAY, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    Object.assign(process.env, {
      DISPLAY: desktop.env.DISPLAY,
      DBUS_SESSION_BUS_ADDRESS: desktop.env.DBUS_SESSION_BUS_ADDRESS,
    });
    const host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), {
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-open-')),
      userName: 'ann',
      notifications: 'native',
      feeds: [{ id: 'prod', name: 'prod', url: gateway.url, token: TOKEN }],
    });
    Object.assign(process.env, saved);
    try {
      const opened: string[] = [];
      const focus: UiUpdate['focus'][] = [];
      host.onOpenAlert((feedId, alertId) => opened.push(`${feedId}/${alertId}`));
      host.onUpdate((update) => update.focus && focus.push(update.focus));
      let live = false;
      host.onUpdate((update) => (live ||= update.feeds.some((f) => f.state === 'live')));
      await until(() => live, 10_000, 'the feed live');
      const before = desktop.notifyCalls().length;
      await gateway.sink.publish([
        {
          event: {
            kind: 'fired',
            alertId: 'ransomware-1',
            source: 'edr',
            at: Date.now(),
            alert: {
              title: 'Ransomware note found on files-02',
              body: 'README_DECRYPT.txt in 40 shares',
              severity: 'critical',
              category: 'security',
              host: 'files-02',
              labels: {},
              startsAt: Date.now(),
            },
          },
        },
      ]);
      await until(() => desktop.notifyCalls().length === before + 1, 10_000, 'one Notify call');
      await new Promise((r) => setTimeout(r, 300));
      desktop.dunstctl('action', '0'); // the default action: Open
      await until(() => opened.length === 1 && focus.length === 1, 10_000, 'the alert opened and focused');
      expect(opened).toEqual(['prod/ransomware-1']);
      expect(focus).toEqual([{ feedId: 'prod', alertId: 'ransomware-1' }]);
    } finally {
      await host.close();
    }
  }, 40_000);
});
