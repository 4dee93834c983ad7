/**
 * An alert that fires while the console is disconnected still wakes someone: real
 * gateway, real ConsoleCore and SQLite, real dunst. The gateway goes down, a critical security
 * alert is journaled meanwhile, the gateway comes back on the same journal and port, and the
 * console's resume replays the alert: one Notify call reaches dunst, saying it was missed.
 */
import { NO_SOUND } from '../../../tests/support/no-sound.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import { Journal } from '../../../gateway/journal/journal.js';
import { startDesktopSession, type DesktopSession } from '../../../tests/support/desktop-session.js';
import { freePort } from '../../../tests/support/real-monitoring.js';
import { until } from '../../../tests/support/until.js';
import { systemClock } from '../../../common/clock.js';
import { ConsoleCore } from '../console-core.js';
import { NotifySendNotifier } from './delivery/linux.js';
import { NotificationCenter } from './notification-center.js';
import { NotificationPolicy } from './policy.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../common/notify/settings.js';

const TOKEN = 'missed-alert-token-0123456789';
let desktop: DesktopSession;
let dir: string;
let port: number;
const gatewayAt = (journal: string) =>
  startGateway({ listen: { host: '127.0.0.1', port }, tokens: [TOKEN], journal: { path: journal }, heartbeatMs: 500 });
beforeAll(async () => {
  desktop = await startDesktopSession();
  dir = mkdtempSync(join(tmpdir(), 'tocsin-missed-'));
  port = await freePort();
}, 30_000);
afterAll(async () => {
  desktop?.dunstctl('close-all');
  await desktop?.stop();
});

it('a critical alert journaled while the console was disconnected is notified when the resume replays it', async () => {
  const journalPath = join(dir, 'journal.sqlite');
  let gateway: Gateway = await gatewayAt(journalPath);
  const settings = DEFAULT_NOTIFICATION_SETTINGS;
  let notifications: NotificationCenter | null = null;
  const core = await ConsoleCore.open({
    dataDir: join(dir, 'console'),
    userName: 'oncall',
    feeds: [{ id: 'prod', name: 'prod', url: gateway.url, token: TOKEN }],
    observers: (self) => [
      (notifications = new NotificationCenter({
        sounds: NO_SOUND,
        policy: new NotificationPolicy(settings, systemClock),
        notifier: new NotifySendNotifier({ env: desktop.env }),
        clock: systemClock,
        settings: () => settings,
        windowState: () => ({ visible: false, minimized: false, focused: false }),
        acknowledge: async () => {},
        open: () => {},
        recordNotified: (feedId, alertId, at) => self.store.recordNotified(feedId, alertId, at),
        log: () => {},
      })),
    ],
  });
  const state = async () => (await core.handlers.feedStatus({}))[0]?.state;
  try {
    await until(async () => (await state()) === 'live', 15_000, 'the console live');
    await gateway.close();
    await until(async () => (await state()) !== 'live', 15_000, 'the console sees the gateway gone');
    // While it is away: the alert reaches the journal (as a source would have published it).
    const journal = new Journal({ path: journalPath, maxEvents: 1_000_000, maxAgeMs: 7 * 86_400_000 });
    const firedAt = Date.now() - 3 * 60_000;
    journal.append([
      {
        event: {
          kind: 'fired',
          alertId: 'intrusion-missed',
          source: 'edr',
          at: firedAt,
          alert: {
            title: 'Privilege escalation on bastion-02',
            body: 'uid 0 shell outside sudo',
            severity: 'critical',
            category: 'security',
            host: 'bastion-02',
            labels: {},
            startsAt: firedAt,
          },
        },
      },
    ]);
    journal.close();
    gateway = await gatewayAt(journalPath);
    await until(() => notifications!.health().shown === 1, 15_000, 'the missed alert shown');
    // The Notify call on the session bus, as dbus-monitor saw it: summary, then body.
    const calls = desktop.notifyCalls().filter((call) => call.includes('bastion-02'));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('"CRITICAL security: Privilege escalation on bastion-02"');
    expect(calls[0]).toContain(
      '"Fired 3 min ago, while this console was disconnected. uid 0 shell outside sudo — bastion-02"',
    );
    const timeline = await core.handlers.timeline({ feedId: 'prod', alertId: 'intrusion-missed' });
    expect(timeline.map((e) => e.kind)).toEqual(['fired', 'notified']);
  } finally {
    await (notifications as NotificationCenter | null)?.close();
    await core.close();
    await gateway.close();
  }
}, 60_000);
