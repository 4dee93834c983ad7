/**
 * Native notifications tested for real: Xvfb, a private D-Bus session, dunst as the
 * server, notify-send as the client, dbus-monitor and `dunstctl history` as the witnesses,
 * `dunstctl action` as the user's hand.
 */
import { NO_SOUND } from '../../../tests/support/no-sound.js';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firedChange } from '../../../tests/support/committed-changes.js';
import { startDesktopSession, type DesktopSession } from '../../../tests/support/desktop-session.js';
import { systemClock } from '../../../common/clock.js';
import type { WindowState } from '../../../common/window-state.js';
import { NotifySendNotifier } from './delivery/linux.js';
import { NotificationCenter } from './notification-center.js';
import { NotificationPolicy } from './policy.js';
import { NotificationSettingsSchema } from '../../../common/notify/settings.js';
import { until } from '../../../tests/support/until.js';

/** Defaults, but a burst's digest arrives after 300 ms instead of 5 s, to keep the test short. */
const SETTINGS = NotificationSettingsSchema.parse({ digestDelayMs: 300 });
const HIDDEN: WindowState = { visible: false, minimized: false, focused: false };
const VISIBLE: WindowState = { visible: true, minimized: false, focused: true };

let desktop: DesktopSession;
beforeAll(async () => {
  desktop = await startDesktopSession();
}, 30_000);
afterAll(async () => {
  desktop?.dunstctl('close-all');
  await desktop?.stop();
});
beforeEach(() => {
  desktop.dunstctl('close-all');
  desktop.dunstctl('history-clear');
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A notification center on the real notify-send and the real clock; `calls` records what it asked of the console. */
function center(window = HIDDEN) {
  const calls: string[] = [];
  const notifications = new NotificationCenter({
    sounds: NO_SOUND,
    policy: new NotificationPolicy(SETTINGS, systemClock),
    notifier: new NotifySendNotifier({ env: desktop.env }),
    clock: systemClock,
    settings: () => SETTINGS,
    windowState: () => window,
    acknowledge: async (feedId, alertId) => void calls.push(`acknowledge ${feedId}/${alertId}`),
    open: (feedId, alertId) => void calls.push(`open ${feedId}/${alertId}`),
    recordNotified: (feedId, alertId) => void calls.push(`notified ${feedId}/${alertId}`),
    log: (message) => void calls.push(`log ${message}`),
  });
  return { notifications, calls };
}

describe('native notifications through dunst', () => {
  it('a hidden-window security alert makes exactly one Notify call with critical urgency and Open/Acknowledge actions', async () => {
    const before = desktop.notifyCalls().length;
    const { notifications, calls } = center();
    const change = firedChange('critical', 'security', 'vpn-01');
    notifications.onCommitted([change]);
    await until(() => notifications.health().shown === 1, 10_000, 'one notification shown');
    await pause(300); // a second call would have arrived by now
    const notify = desktop.notifyCalls().slice(before);
    expect(notify).toHaveLength(1);
    expect(notify[0]).toContain('string "Tocsin"');
    expect(notify[0]).toContain(`string "CRITICAL security: ${change.row.title}"`);
    expect(notify[0]).toMatch(/string "urgency"\s+variant\s+byte 2/);
    expect(notify[0]).toMatch(/string "default"\s+string "Open"\s+string "ack"\s+string "Acknowledge"/);
    desktop.dunstctl('close-all');
    await notifications.settle(); // closing it ends notify-send: dismissed
    expect(desktop.history()).toEqual([
      expect.objectContaining({
        appname: 'Tocsin',
        summary: `CRITICAL security: ${change.row.title}`,
        category: 'x-tocsin.alert',
      }),
    ]);
    expect(calls).toEqual([`notified f/${change.row.alertId}`]);
  });

  it('a visible window produces no notification', async () => {
    const before = desktop.notifyCalls().length;
    const { notifications } = center(VISIBLE);
    notifications.onCommitted([firedChange('critical', 'security', 'vpn-02')]);
    await pause(500);
    expect(desktop.notifyCalls().length).toBe(before);
    expect(notifications.health()).toMatchObject({ state: 'idle', suppressed: { window: 1 } });
  });

  it('`dunstctl action 0` invokes Open (the default action): the console is asked to show that alert', async () => {
    const { notifications, calls } = center();
    const change = firedChange('high', 'outage', 'db-07');
    notifications.onCommitted([change]);
    await until(() => notifications.health().shown === 1, 10_000, 'one notification shown');
    await pause(200); // let dunst draw it before acting on it
    desktop.dunstctl('action', '0');
    await notifications.settle();
    expect(calls).toEqual([`notified f/${change.row.alertId}`, `open f/${change.row.alertId}`]);
  });

  it('`dunstctl action 0` with Acknowledge as the default action acknowledges that alert', async () => {
    desktop.dunstctl('rule', 'tocsin-ack-default', 'enable');
    try {
      const { notifications, calls } = center();
      const change = firedChange('critical', 'security', 'bastion-01');
      notifications.onCommitted([change]);
      await until(() => notifications.health().shown === 1, 10_000, 'one notification shown');
      await pause(200);
      desktop.dunstctl('action', '0');
      await notifications.settle();
      expect(calls).toEqual([`notified f/${change.row.alertId}`, `acknowledge f/${change.row.alertId}`]);
    } finally {
      desktop.dunstctl('rule', 'tocsin-ack-default', 'disable');
    }
  });

  it('a storm of 1,000 outage alerts in 10 s is digested within its cap, naming alerts; a critical security alert breaks through at once', async () => {
    const before = desktop.notifyCalls().length;
    const { notifications } = center();
    const started = Date.now();
    for (let batch = 0; batch < 10; batch++) {
      notifications.onCommitted(
        Array.from({ length: 100 }, (_, i) => firedChange('high', 'outage', `db-${String(i % 40).padStart(2, '0')}`)),
      );
      await pause(1000);
    }
    const storm = desktop.notifyCalls().slice(before);
    const intrusion = firedChange('critical', 'security', 'vpn-01');
    const committedAt = performance.now();
    notifications.onCommitted([intrusion]);
    await until(
      () =>
        desktop
          .notifyCalls()
          .slice(before + storm.length)
          .some((c) => c.includes(intrusion.row.title)),
      5_000,
      'the intrusion on the bus',
      2,
    );
    const latencyMs = performance.now() - committedAt;
    console.log(
      `storm of 1,000 outage alerts: ${storm.length} Notify calls in ${Date.now() - started} ms (cap ${SETTINGS.capPerMinute}/min per storm); the critical security alert on the bus ${latencyMs.toFixed(1)} ms after its commit; suppressed ${JSON.stringify(notifications.health().suppressed)}, breakthroughs ${notifications.health().breakthroughs}`,
    );
    expect(storm.length).toBeLessThanOrEqual(SETTINGS.capPerMinute);
    const digests = storm.filter((c) => / high alerts"/.test(c));
    expect(digests.length).toBeGreaterThan(0);
    // The digest names the first alerts, counts the rest, and says where.
    expect(digests[0]).toMatch(/string "t\d+ on db-\d+, t\d+ on db-\d+ and \d+ more \(\d+ outage on db-\*\)"/);
    expect(latencyMs).toBeLessThan(100);
    expect(notifications.health().breakthroughs).toBe(1);
    mkdirSync('test-results', { recursive: true });
    desktop.screenshot('test-results/notification-storm.png', '480x800+800+0'); // an artifact to look at
    desktop.dunstctl('close-all');
    await notifications.close();
  });
});
