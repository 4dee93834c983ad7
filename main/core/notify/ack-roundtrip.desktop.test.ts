/**
 * Acknowledge from the notification, end to end: a real gateway, a real ConsoleCore
 * with its SQLite history, real dunst. An alert published at the gateway is notified; the
 * user's Acknowledge — through `dunstctl action` or through dunst's context menu — travels back
 * over the feed's socket, and the gateway's journal shows the alert acknowledged by the user.
 */
import { NO_SOUND } from '../../../tests/support/no-sound.js';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import { startDesktopSession, type DesktopSession } from '../../../tests/support/desktop-session.js';
import { systemClock } from '../../../common/clock.js';
import { ConsoleCore } from '../console-core.js';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import { NotifySendNotifier } from './delivery/linux.js';
import { NotificationCenter } from './notification-center.js';
import { NotificationPolicy } from './policy.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../common/notify/settings.js';
import { until } from '../../../tests/support/until.js';

const TOKEN = 'notify-roundtrip-token-0123456789';
const HIDDEN = { visible: false, minimized: false, focused: false };
let desktop: DesktopSession;
let gateway: Gateway;
let dir: string;
beforeAll(async () => {
  desktop = await startDesktopSession();
  dir = mkdtempSync(join(tmpdir(), 'tocsin-ack-roundtrip-'));
  gateway = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: join(dir, 'journal.sqlite') },
  });
}, 30_000);
afterAll(async () => {
  await gateway?.close();
  desktop?.dunstctl('close-all');
  await desktop?.stop();
});
beforeEach(() => void desktop.dunstctl('close-all'));

/** What a failure message shows: the state of every part the acknowledgement passes through. */
let describeState: () => Promise<string> = async () => '';

/** A console core with its notification center wired as the desktop app wires it (main/core/host/backend.ts). */
async function openConsole(name: string) {
  let notifications: NotificationCenter | null = null;
  const core = await ConsoleCore.open({
    dataDir: join(dir, name),
    userName: 'oncall',
    feeds: [{ id: 'prod', name: 'prod', url: gateway.url, token: TOKEN }],
    observers: (self) => [
      (notifications = new NotificationCenter({
        sounds: NO_SOUND,
        policy: new NotificationPolicy(DEFAULT_NOTIFICATION_SETTINGS, systemClock),
        notifier: new NotifySendNotifier({ env: desktop.env }),
        clock: systemClock,
        settings: () => DEFAULT_NOTIFICATION_SETTINGS,
        windowState: () => HIDDEN,
        acknowledge: (feedId, alertId) =>
          self.act(feedId, alertId, { action: 'acknowledge', comment: 'from the notification' }),
        open: () => {},
        recordNotified: (feedId, alertId, at) => self.store.recordNotified(feedId, alertId, at),
        log: (message) => console.error(`notification center: ${message}`),
      })),
    ],
  });
  describeState = async () =>
    JSON.stringify({
      feeds: (await core.handlers.feedStatus({})).map((f) => ({ state: f.state, lastError: f.lastError })),
      notifications: notifications?.health(),
      dunst: desktop.history().map((n) => ({ summary: n.summary, defaultAction: n.defaultActionName })),
      displayed: desktop.dunstctl('count', 'displayed').trim(),
      menu: desktop.menuOffered(),
    });
  // Live first: an alert that arrives while the console resyncs is a replay, which does not notify.
  await until(async () => (await core.handlers.feedStatus({}))[0]?.state === 'live', 10_000, describeState);
  return { core, notifications: notifications! };
}

async function publishIntrusion(alertId: string): Promise<void> {
  const event: AlertEvent = {
    kind: 'fired',
    alertId,
    source: 'edr',
    at: Date.now(),
    alert: {
      title: 'Privilege escalation on bastion-01',
      body: 'uid 0 shell outside sudo',
      severity: 'critical',
      category: 'security',
      host: 'bastion-01',
      labels: {},
      startsAt: Date.now(),
    },
  };
  await gateway.sink.publish([{ event }]);
}

describe('Acknowledge from a notification reaches the gateway', () => {
  it("through `dunstctl action 0` (Acknowledge as dunst's default action)", async () => {
    mkdirSync(join(dir, 'action'));
    const { core, notifications } = await openConsole('action');
    desktop.dunstctl('rule', 'tocsin-ack-default', 'enable');
    try {
      await publishIntrusion('intrusion-1');
      await until(() => notifications.health().shown === 1, 10_000, describeState);
      await new Promise((r) => setTimeout(r, 300)); // let dunst draw it
      mkdirSync('test-results', { recursive: true });
      desktop.screenshot('test-results/notification.png', '480x120+800+0'); // docs/screenshots/notification.png is a copy
      desktop.dunstctl('action', '0');
      await until(() => Boolean(gateway.journal.alertState('intrusion-1')?.acknowledged), 10_000, describeState);
      expect(gateway.journal.alertState('intrusion-1')?.acknowledged).toMatchObject({
        // The gateway attributes actions by the token: a plain console token acts as "console".
        by: 'console',
        comment: 'from the notification',
      });
      await until(
        async () =>
          (await core.handlers.timeline({ feedId: 'prod', alertId: 'intrusion-1' })).some(
            (e) => e.kind === 'acknowledged',
          ),
        10_000,
        describeState,
      );
      const timeline = await core.handlers.timeline({ feedId: 'prod', alertId: 'intrusion-1' });
      expect(timeline.map((e) => e.kind)).toEqual(['fired', 'notified', 'acknowledged']);
    } finally {
      desktop.dunstctl('rule', 'tocsin-ack-default', 'disable');
      await notifications.close();
      await core.close();
    }
  }, 30_000);

  it("through dunst's context menu, choosing Acknowledge as a user would", async () => {
    mkdirSync(join(dir, 'menu'));
    const { core, notifications } = await openConsole('menu');
    try {
      await publishIntrusion('intrusion-2');
      await until(() => notifications.health().shown === 1, 10_000, describeState);
      await new Promise((r) => setTimeout(r, 300));
      // The dmenu stand-in (tests/support/desktop-session.ts) records the menu and picks Acknowledge.
      // Ask again if dunst was not ready to open the menu yet.
      for (let attempt = 0; attempt < 5 && !gateway.journal.alertState('intrusion-2')?.acknowledged; attempt++) {
        desktop.dunstctl('context');
        await until(() => Boolean(gateway.journal.alertState('intrusion-2')?.acknowledged), 1_000, describeState).catch(
          () => undefined,
        );
      }
      await until(() => Boolean(gateway.journal.alertState('intrusion-2')?.acknowledged), 10_000, describeState);
      expect(desktop.menuOffered()).toMatch(/Acknowledge/);
      expect(gateway.journal.alertState('intrusion-2')?.acknowledged).toMatchObject({ by: 'console' });
    } finally {
      await notifications.close();
      await core.close();
    }
  }, 30_000);
});
