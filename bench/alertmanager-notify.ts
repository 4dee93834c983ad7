/**
 * POST to Alertmanager → `Notify` seen on the bus: the whole path an operator waits on. A real
 * Alertmanager (group_wait 0s) sends to a gateway; a console core (its store, its ingest) holds
 * the feed, and its notification center shows each critical alert through real dunst on a private
 * session bus under Xvfb. Measured for D-Bus delivery and, in the same run, for notify-send: from
 * the wall-clock time of the POST to dbus-monitor's timestamp of the Notify call. One alert in
 * flight at a time, each on its own host (no cooldown, no digest), closed before the next.
 * Throws unless every alert was seen exactly once.
 *   npx tsx bench/alertmanager-notify.ts [alerts=50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import { NotificationSettingsSchema } from '../common/notify/settings.js';
import { startGateway } from '../gateway/gateway.js';
import { ConsoleCore } from '../main/core/console-core.js';
import { DbusNotifier } from '../main/core/notify/delivery/dbus.js';
import { NotifySendNotifier } from '../main/core/notify/delivery/linux.js';
import { NotificationCenter } from '../main/core/notify/notification-center.js';
import { NotificationPolicy } from '../main/core/notify/policy.js';
import type { Notifier } from '../main/core/notify/request.js';
import { startDesktopSession, type DesktopSession } from '../tests/support/desktop-session.js';
import { NO_SOUND } from '../tests/support/no-sound.js';
import { freeMonitoringPorts, freePort, startRealMonitoring } from '../tests/support/real-monitoring.js';
import { until } from '../tests/support/until.js';

const N = Number(process.argv[2] ?? 50);
const TOKEN = 'bench-console-token-0123456789';
const AM_TOKEN = 'bench-alertmanager-token-0123456789';
// missedWithinMs 0: the second console replays the first run's alerts, which must not notify again.
const SETTINGS = NotificationSettingsSchema.parse({
  digestThreshold: 1000,
  capPerMinute: 120,
  sounds: {},
  missedWithinMs: 0,
});
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const describe = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let serial = 0;

/** dbus-monitor's wall-clock time (ms) of the Notify call whose title contains `text`. */
function notifySeenAt(desktop: DesktopSession, text: string): number | null {
  const call = desktop.notifyCalls().find((block) => block.includes(text));
  const time = call?.match(/time=(\d+\.\d+)/)?.[1];
  return time ? Number(time) * 1000 : null;
}

async function measure(
  desktop: DesktopSession,
  alertmanagerUrl: string,
  feedUrl: string,
  notifier: Notifier,
): Promise<number[]> {
  const core = await ConsoleCore.open({
    dataDir: mkdtempSync(join(tmpdir(), 'bench-am-notify-core-')),
    userName: 'bench',
    feeds: [{ id: 'am', name: 'gateway', url: feedUrl, token: TOKEN }],
    observers: (console) => [
      new NotificationCenter({
        sounds: NO_SOUND,
        policy: new NotificationPolicy(SETTINGS, systemClock),
        notifier,
        clock: systemClock,
        settings: () => SETTINGS,
        windowState: () => console.currentWindowState(),
        acknowledge: async () => {},
        open: () => {},
        recordNotified: () => {},
        log: () => {},
      }),
    ],
  });
  try {
    await until(() => core.feedStatuses()[0]?.state === 'live', 10_000, 'the console live');
    const latencies: number[] = [];
    for (let i = 0; i < N; i++) {
      const alertname = `TocsinNotifyLatency${++serial}`;
      const posted = Date.now();
      const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            labels: { alertname, instance: `bench-${serial}`, severity: 'critical', category: 'security' },
            annotations: { summary: alertname },
            startsAt: new Date().toISOString(),
          },
        ]),
      });
      if (!response.ok) throw new Error(`Alertmanager answered ${response.status}`);
      let seen: number | null = null;
      await until(() => (seen = notifySeenAt(desktop, alertname)) !== null, 10_000, `Notify for ${alertname}`);
      latencies.push(seen! - posted);
      desktop.dunstctl('close-all');
      await pause(20);
    }
    return latencies;
  } finally {
    await core.close();
    await notifier.close?.();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-am-notify-'));
const desktop = await startDesktopSession();
const gateway = await startGateway(
  {
    listen: { host: '127.0.0.1', port: await freePort() },
    tokens: [TOKEN],
    journal: { path: join(dir, 'journal.sqlite') },
    alertmanager: { tokens: [AM_TOKEN] },
  },
  { log: () => {} },
);
const monitoring = await startRealMonitoring({
  ports: await freeMonitoringPorts(),
  webhook: { url: `http://127.0.0.1:${gateway.port}/v1/alertmanager`, token: AM_TOKEN },
});
try {
  const opened = await DbusNotifier.open({ env: desktop.env });
  if (!opened.ok) throw new Error(`D-Bus delivery did not open, so it cannot be measured: ${opened.reason}`);
  const before = desktop.notifyCalls().length;
  const dbus = await measure(desktop, monitoring.alertmanagerUrl!, gateway.url, opened.notifier);
  const viaNotifySend = await measure(
    desktop,
    monitoring.alertmanagerUrl!,
    gateway.url,
    new NotifySendNotifier({ env: desktop.env }),
  );
  const calls = desktop.notifyCalls().length - before;
  if (calls !== 2 * N) throw new Error(`expected ${2 * N} Notify calls (one per alert), saw ${calls}`);
  if ([...dbus, ...viaNotifySend].some((ms) => ms < 0)) throw new Error('a Notify was seen before its POST');
  console.log(`alerts: ${N} each way, POST to real Alertmanager (group_wait 0s) → Notify on the bus (real dunst)`);
  console.log(`D-Bus        ${describe(dbus)}`);
  console.log(`notify-send  ${describe(viaNotifySend)}`);
  console.log(
    `ratio D-Bus / notify-send: p50 ${(percentile(dbus, 50) / percentile(viaNotifySend, 50)).toFixed(2)}, p99 ${(percentile(dbus, 99) / percentile(viaNotifySend, 99)).toFixed(2)}`,
  );
} finally {
  desktop.dunstctl('close-all');
  await monitoring.stop();
  await gateway.close();
  await desktop.stop();
  rmSync(dir, { recursive: true, force: true });
}
