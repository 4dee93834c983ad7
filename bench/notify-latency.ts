/**
 * Alert commit → `Notify` on the bus, D-Bus delivery against notify-send in the same run. Real
 * dunst on a private session bus under Xvfb (tests/support/desktop-session.ts); the notification
 * center and policy run as in the core, fed one committed critical alert at a time (as the
 * pipeline's observer is called right after the commit). The end is dbus-monitor's own
 * timestamp of the Notify call, so the figure is what the server sees, not when a client says it
 * sent. Each alert is closed before the next; a few warm-up alerts per notifier are not counted.
 *   npx tsx bench/notify-latency.ts [alerts=50]
 */
import { systemClock } from '../common/clock.js';
import { NotificationSettingsSchema } from '../common/notify/settings.js';
import { NotificationCenter } from '../main/core/notify/notification-center.js';
import { NotificationPolicy } from '../main/core/notify/policy.js';
import type { Notifier } from '../main/core/notify/request.js';
import { DbusNotifier } from '../main/core/notify/delivery/dbus.js';
import { NotifySendNotifier } from '../main/core/notify/delivery/linux.js';
import { firedChange } from '../tests/support/committed-changes.js';
import { startDesktopSession, type DesktopSession } from '../tests/support/desktop-session.js';
import { NO_SOUND } from '../tests/support/no-sound.js';
import { until } from '../tests/support/until.js';

const N = Number(process.argv[2] ?? 50);
const WARM_UP = 3;
/** Every alert on its own host: the policy's per-host cooldown would hold back a repeat. */
let hosts = 0;
// Every alert its own notification: no digest, a cap above the run (the policy's own maximum).
const SETTINGS = NotificationSettingsSchema.parse({ digestThreshold: 1000, capPerMinute: 120, sounds: {} });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const describe = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;

/** dbus-monitor's wall-clock time (seconds with microseconds) of the Notify call naming `title`, in ms. */
function notifySeenAt(desktop: DesktopSession, title: string): number | null {
  const call = desktop.notifyCalls().find((block) => block.includes(`: ${title}"`));
  const time = call?.match(/time=(\d+\.\d+)/)?.[1];
  return time ? Number(time) * 1000 : null;
}

/** `count` alerts through a notification center on `notifier`: commit → Notify seen, in ms. */
async function measure(desktop: DesktopSession, notifier: Notifier, count: number): Promise<number[]> {
  let failures = 0;
  const center = new NotificationCenter({
    sounds: NO_SOUND,
    policy: new NotificationPolicy(SETTINGS, systemClock),
    notifier,
    clock: systemClock,
    settings: () => SETTINGS,
    windowState: () => ({ visible: false, minimized: false, focused: false }),
    acknowledge: async () => {},
    open: () => {},
    recordNotified: () => {},
    log: (message) => {
      if (/fail/i.test(message)) failures++;
    },
  });
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const change = firedChange('critical', 'security', `bench-${hosts++}`);
    const committed = now();
    center.onCommitted([change]);
    // Wait on the center (cheap), not on the monitor's growing text, so polling does not slow the send.
    await until(() => center.health().shown === i + 1, 10_000, 'shown', 2);
    let seen: number | null = null;
    await until(
      () => (seen = notifySeenAt(desktop, change.row.title)) !== null,
      10_000,
      `Notify for ${change.row.title}`,
    );
    latencies.push(seen! - committed);
    // One on screen at a time, and dunst done redrawing: the next alert never queues behind the last.
    desktop.dunstctl('close-all');
    await center.settle();
    await pause(20);
  }
  await center.close(); // closes the notifier too
  if (failures > 0) throw new Error(`${failures} notifications failed: this did not measure delivery`);
  return latencies;
}

const desktop = await startDesktopSession();
try {
  const opened = await DbusNotifier.open({ env: desktop.env });
  if (!opened.ok) throw new Error(`D-Bus delivery did not open, so it cannot be measured: ${opened.reason}`);
  const before = desktop.notifyCalls().length;
  // The first few of each are warm-up (module loading, dunst's first layout), not counted.
  const dbus = (await measure(desktop, opened.notifier, WARM_UP + N)).slice(WARM_UP);
  const viaNotifySend = (await measure(desktop, new NotifySendNotifier({ env: desktop.env }), WARM_UP + N)).slice(
    WARM_UP,
  );
  const calls = desktop.notifyCalls().length - before;
  // One Notify per alert, or something else (a digest, a retry) was measured.
  if (calls !== 2 * (N + WARM_UP)) throw new Error(`expected ${2 * (N + WARM_UP)} Notify calls, saw ${calls}`);
  if (dbus.length !== N || viaNotifySend.length !== N) throw new Error('not every alert was measured');
  // dbus-monitor's clock is the wall clock: a negative figure means the two clocks disagree.
  if ([...dbus, ...viaNotifySend].some((ms) => ms < 0)) throw new Error('a Notify was seen before its commit');

  console.log(`alerts: ${N} each way (after ${WARM_UP} warm-up), one on screen at a time, real dunst`);
  console.log(`D-Bus (one connection)      commit → Notify on the bus: ${describe(dbus)}`);
  console.log(`notify-send (one per alert) commit → Notify on the bus: ${describe(viaNotifySend)}`);
  console.log(
    `ratio D-Bus / notify-send: p50 ${(percentile(dbus, 50) / percentile(viaNotifySend, 50)).toFixed(3)}, p99 ${(percentile(dbus, 99) / percentile(viaNotifySend, 99)).toFixed(3)}`,
  );
} finally {
  desktop.dunstctl('close-all');
  await desktop.stop();
}
