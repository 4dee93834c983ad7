/**
 * The D-Bus notifier against real dunst on a private session bus under Xvfb
 * (tests/support/desktop-session.ts): dbus-monitor witnesses each Notify, `dunstctl` acts as the
 * user's hand, and a bare bus with no notification server shows the failure and the fallback.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBareBus, startDesktopSession, type DesktopSession } from '../../../../tests/support/desktop-session.js';
import { until } from '../../../../tests/support/until.js';
import type { DeliveryOutcome, NotificationRequest } from '../request.js';
import type { Message as DbusMessage } from 'dbus-next';
import { DbusNotifier, loadDbusNext } from './dbus.js';
import { NotifySendNotifier } from './linux.js';
import { openNotifier } from './select.js';

const ALERT = { feedId: 'f', alertId: 'a-1' };
const CRITICAL: NotificationRequest = {
  kind: 'alert',
  title: 'CRITICAL security: sshd brute force on vpn-01',
  body: 'Failed logins > 100/min <from 10.0.0.0/8> & more',
  urgency: 'critical',
  alert: ALERT,
  covers: [ALERT],
  acknowledges: [ALERT],
  runbook: 'https://runbooks.example/sshd',
};

let desktop: DesktopSession;
let notifier: DbusNotifier;
beforeAll(async () => {
  desktop = await startDesktopSession();
  const opened = await DbusNotifier.open({ env: desktop.env });
  if (!opened.ok) throw new Error(opened.reason);
  notifier = opened.notifier;
}, 30_000);
afterAll(async () => {
  await notifier?.close();
  desktop?.dunstctl('close-all');
  await desktop?.stop();
});
beforeEach(() => {
  desktop.dunstctl('close-all');
  desktop.dunstctl('history-clear');
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const displayed = () => Number(desktop.dunstctl('count', 'displayed').trim());

/** Show `request`; resolves once dunst has it on screen, with the outcome (wrapped: still to come). */
async function showOnScreen(request: NotificationRequest): Promise<{ outcome: Promise<DeliveryOutcome> }> {
  let shown = false;
  const outcome = notifier.show(request, { shown: () => (shown = true) });
  let settled: DeliveryOutcome | undefined;
  void outcome.then((o) => (settled = o));
  await until(() => shown || settled !== undefined, 10_000, 'the notification shown');
  if (settled) throw new Error(`not shown: ${JSON.stringify(settled)}`);
  await pause(200); // let dunst draw it before acting on it
  return { outcome };
}

describe('D-Bus notifications through dunst', () => {
  it('reads the server’s capabilities: dunst offers actions and body markup', () => {
    expect(notifier.features).toMatchObject({ actions: true, bodyMarkup: true });
  });

  it('a critical alert is one Notify with urgency critical, no expiry, Open/Acknowledge/Open runbook; `dunstctl action 0` opens it', async () => {
    const before = desktop.notifyCalls().length;
    const { outcome } = await showOnScreen(CRITICAL);
    const notify = desktop.notifyCalls().slice(before);
    expect(notify).toHaveLength(1);
    expect(notify[0]).toContain('string "Tocsin"');
    expect(notify[0]).toContain(`string "${CRITICAL.title}"`);
    expect(notify[0]).toContain('string "Failed logins &gt; 100/min &lt;from 10.0.0.0/8&gt; &amp; more"');
    expect(notify[0]).toMatch(/string "urgency"\s+variant\s+byte 2/);
    expect(notify[0]).toMatch(/string "category"\s+variant\s+string "x-tocsin.alert"/);
    expect(notify[0]).toMatch(
      /string "default"\s+string "Open"\s+string "ack"\s+string "Acknowledge"\s+string "runbook"\s+string "Open runbook"/,
    );
    expect(notify[0]).not.toContain('sound-name');
    expect(notify[0]).toMatch(/int32 0\s*$/);
    desktop.dunstctl('action', '0');
    await expect(outcome).resolves.toEqual({ kind: 'open' });
  });

  it('Acknowledge invoked (as the default action) resolves acknowledge', async () => {
    desktop.dunstctl('rule', 'tocsin-ack-default', 'enable');
    try {
      const { outcome } = await showOnScreen(CRITICAL);
      desktop.dunstctl('action', '0');
      await expect(outcome).resolves.toEqual({ kind: 'acknowledge' });
    } finally {
      desktop.dunstctl('rule', 'tocsin-ack-default', 'disable');
    }
  });

  it('a normal alert expires by default and carries the sound name only when one is set; closing it is dismissed', async () => {
    const before = desktop.notifyCalls().length;
    const { outcome } = await showOnScreen({ ...CRITICAL, urgency: 'normal', runbook: undefined, sound: 'default' });
    const notify = desktop.notifyCalls().slice(before);
    expect(notify[0]).toMatch(/string "urgency"\s+variant\s+byte 1/);
    expect(notify[0]).toMatch(/string "sound-name"\s+variant\s+string "message-new-instant"/);
    expect(notify[0]).not.toContain('"runbook"');
    expect(notify[0]).toMatch(/int32 -1\s*$/);
    desktop.dunstctl('close');
    await expect(outcome).resolves.toEqual({ kind: 'dismissed' });
  });

  it('withdraw(alert) closes that alert’s notification with CloseNotification; a digest covering it stays', async () => {
    const other = { feedId: 'f', alertId: 'a-2' };
    const { outcome: mine } = await showOnScreen(CRITICAL);
    const { outcome: digest } = await showOnScreen({
      ...CRITICAL,
      kind: 'digest',
      title: '2 new alerts',
      alert: undefined,
      covers: [ALERT, other],
      acknowledges: [ALERT, other],
    });
    expect(displayed()).toBe(2);
    await expect(notifier.withdraw(ALERT)).resolves.toBe(1);
    await expect(mine).resolves.toEqual({ kind: 'shown' });
    await until(() => displayed() === 1, 5_000, 'one notification left on screen');
    expect(desktop.history()[0]?.summary).toBe(CRITICAL.title);
    await expect(notifier.withdraw(ALERT)).resolves.toBe(0);
    desktop.dunstctl('close-all');
    await expect(digest).resolves.toEqual({ kind: 'dismissed' });
  });
});

describe('when D-Bus cannot deliver', () => {
  it('no server on the bus: open fails naming it, and openNotifier falls back to notify-send', async () => {
    const bare = await startBareBus();
    try {
      const opened = await DbusNotifier.open({ env: bare.env });
      expect(opened).toEqual({
        ok: false,
        reason: expect.stringMatching(/no notification server owns org\.freedesktop\.Notifications/),
      });
      const chosen = await openNotifier('linux', 'id', { env: bare.env });
      expect(chosen.kind).toBe('notify-send');
      expect(chosen.notifier).toBeInstanceOf(NotifySendNotifier);
      expect(chosen.fallbackReason).toMatch(/no notification server owns org\.freedesktop\.Notifications/);
    } finally {
      await bare.stop();
    }
  });

  it('no session bus, or nothing listening at its address: named failures', async () => {
    await expect(DbusNotifier.open({ env: {} })).resolves.toEqual({
      ok: false,
      reason: 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set',
    });
    const gone = await DbusNotifier.open({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
    expect(gone).toEqual({ ok: false, reason: expect.stringMatching(/cannot connect to the D-Bus session bus/) });
  });

  it('a closed notifier resolves failed with the reason instead of throwing; pending ones resolve shown', async () => {
    const opened = await DbusNotifier.open({ env: desktop.env });
    if (!opened.ok) throw new Error(opened.reason);
    const second = opened.notifier;
    let shown = false;
    const pending = second.show({ ...CRITICAL, runbook: undefined }, { shown: () => (shown = true) });
    await until(() => shown, 5_000, 'shown');
    await second.close();
    await expect(pending).resolves.toEqual({ kind: 'shown' });
    await expect(second.show(CRITICAL)).resolves.toEqual({ kind: 'failed', reason: 'the D-Bus notifier is closed' });
  });

  it('openNotifier picks D-Bus where dunst answers', async () => {
    const chosen = await openNotifier('linux', 'id', { env: desktop.env });
    expect(chosen.kind).toBe('dbus');
    expect(chosen.notifier).toBeInstanceOf(DbusNotifier);
    await chosen.notifier.close?.();
  });
});

describe('a minimal notification server (dbus-next, on a bare bus)', () => {
  it('no actions capability: shown with a warning and no actions; the server leaving resolves it shown', async () => {
    const bare = await startBareBus();
    const lib = await loadDbusNext();
    const server = lib.sessionBus({ busAddress: bare.env.DBUS_SESSION_BUS_ADDRESS! });
    const seen: unknown[][] = [];
    server.addMethodHandler((msg: DbusMessage) => {
      if (msg.interface !== 'org.freedesktop.Notifications') return false;
      if (msg.member === 'GetCapabilities') server.send(lib.Message.newMethodReturn(msg, 'as', [['body']]));
      else if (msg.member === 'Notify') {
        seen.push(msg.body);
        server.send(lib.Message.newMethodReturn(msg, 'u', [7]));
      } else return false;
      return true;
    });
    try {
      await server.requestName('org.freedesktop.Notifications', 0);
      const opened = await DbusNotifier.open({ env: bare.env });
      if (!opened.ok) throw new Error(opened.reason);
      expect(opened.notifier.features).toEqual({ actions: false, persistence: false, sound: false, bodyMarkup: false });
      const warnings: Array<string | undefined> = [];
      const outcome = opened.notifier.show(CRITICAL, { shown: (detail) => void warnings.push(detail?.warning) });
      await until(() => warnings.length === 1, 5_000, 'shown');
      expect(warnings[0]).toMatch(/no action buttons/);
      expect(seen[0]?.[5]).toEqual([]); // no actions offered
      expect(seen[0]?.[4]).toBe(CRITICAL.body); // no markup: the body as it is
      server.disconnect();
      await expect(outcome).resolves.toEqual({ kind: 'shown' });
      await opened.notifier.close();
    } finally {
      server.disconnect();
      await bare.stop();
    }
  });
});
