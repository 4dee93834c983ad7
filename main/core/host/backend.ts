/**
 * What runs in the core's worker thread: the console core and, when no feed is configured,
 * the embedded gateway with the demo simulator, so the first launch shows a living console.
 * This is the worker's composition root, the one place in main/core that knows the gateway.
 */
import { SoundPlayer } from '../notify/sound/sound-player.js';
import type { AlertRef } from '../notify/request.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import { ConsoleCore } from '../console-core.js';
import { systemClock } from '../../../common/clock.js';
import type { FeedProfile } from '../feed/feed-client.js';
import { notifierFor, openNotifier } from '../notify/delivery/select.js';
import { NotificationCenter } from '../notify/notification-center.js';
import { NotificationPolicy } from '../notify/policy.js';
import type { Notifier } from '../notify/request.js';
import { TrayObserver } from '../tray/tray-observer.js';
import { SettingsService } from '../settings/settings-service.js';
import { loadSettings } from '../settings/settings.js';
import type { CoreInit } from './messages.js';

/** The same id as the desktop app's (main/platform/options.ts APP_ID): Windows groups notifications by it. */
const NOTIFICATION_APP_ID = 'dev.tocsin.console';

/** What runs in the worker: the core and the observers the shell hears from. */
export type Backend = {
  core: ConsoleCore;
  notifications: NotificationCenter;
  policy: NotificationPolicy;
  /** The tray's model, kept from what is committed (subscribe with `onModel`; `changed()` after a snooze or pause). */
  tray: TrayObserver;
  embeddedGatewayUrl: string | null;
  close(): Promise<void>;
};
/** What the worker's shell side provides. */
export type BackendHooks = {
  openAlert(feedId: string, alertId: string): void;
  /** Open on a digest (with the alerts it spoke for) or a feed notification (none): bring the console up. */
  showConsole?(alerts: readonly AlertRef[]): void;
  notifier?: Notifier;
  /** Open an https URL outside the console (a notification's Open runbook): the shell decides. */
  openExternal?(url: string): void;
  /** The shell's notifier, used on macOS and Windows when `init.shellNotifications` (delivery/select.ts). */
  shell?: Notifier;
};

export const EMBEDDED_FEED_ID = 'embedded';

/** Start the core, with the embedded demo gateway if `init` names no feed. */
export async function startBackend(init: CoreInit, hooks: BackendHooks): Promise<Backend> {
  mkdirSync(init.dataDir, { recursive: true });
  const log = (message: string) => console.error(`tocsin core: ${message}`);
  const settingsPath = join(init.dataDir, 'settings.json');
  const loaded = await loadSettings(settingsPath);
  for (const problem of loaded.problems) log(problem);
  let gateway: Gateway | null = null;
  // One native module for every SQLite file this worker opens (the gateway passes it to its journal).
  const binding = init.sqliteNativeBinding === undefined ? {} : { sqliteNativeBinding: init.sqliteNativeBinding };
  const feeds: FeedProfile[] = [...(init.feeds ?? []), ...loaded.settings.feeds];
  if (feeds.length === 0) {
    const token = randomBytes(32).toString('base64url');
    gateway = await startGateway(
      {
        name: 'embedded-demo',
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [token],
        journal: { path: join(init.dataDir, 'embedded-gateway.sqlite') },
        heartbeatMs: 5_000,
        demo: { enabled: true },
      },
      binding,
    );
    feeds.push({ id: EMBEDDED_FEED_ID, name: 'Embedded demo feed', url: gateway.url, token, embedded: true });
  }
  let notificationSettings = loaded.settings.notifications;
  const policy = new NotificationPolicy(notificationSettings, systemClock);
  const settings = new SettingsService(settingsPath, loaded, (next) => {
    notificationSettings = next.notifications;
    policy.updateSettings(next.notifications);
  });
  const core = await ConsoleCore.create({
    dataDir: init.dataDir,
    feeds,
    userName: init.userName,
    log,
    settings,
    ...binding,
    ...(init.resetHistory ? { resetHistory: true } : {}),
  });
  // Linux: one D-Bus connection to the notification server, notify-send when there is none.
  const opened = hooks.notifier
    ? { notifier: hooks.notifier }
    : init.notifications === 'off'
      ? { notifier: notifierFor(process.platform, NOTIFICATION_APP_ID) } // mode off: it never shows anything
      : await openNotifier(
          process.platform,
          NOTIFICATION_APP_ID,
          init.shellNotifications && hooks.shell ? { shell: hooks.shell } : {},
        );
  if ('fallbackReason' in opened && opened.fallbackReason)
    log(`notifications: through notify-send, D-Bus is not usable: ${opened.fallbackReason}`);
  // Built beside the core, not by it: the core only hears of it as one more observer.
  const notifications = new NotificationCenter({
    sounds: new SoundPlayer({ platform: process.platform, ...(init.soundsDir ? { soundsDir: init.soundsDir } : {}) }),
    policy,
    clock: systemClock,
    log,
    notifier: opened.notifier,
    mode: init.notifications === 'off' ? 'off' : 'native',
    settings: () => notificationSettings,
    windowState: () => core.currentWindowState(),
    acknowledge: (feedId, alertId) =>
      core.act(feedId, alertId, { action: 'acknowledge', comment: 'acknowledged from a notification' }),
    open: hooks.openAlert,
    ...(hooks.showConsole ? { showConsole: hooks.showConsole } : {}),
    ...(hooks.openExternal ? { openExternal: hooks.openExternal } : {}),
    recordNotified: (feedId, alertId, at) => core.store.recordNotified(feedId, alertId, at),
  });
  notifications.onHealth((health) => core.reportNotificationHealth(health));
  core.reportNotificationHealth(notifications.health());
  // Loaded once, before any feed connects; from then on kept by what is committed.
  const tray = new TrayObserver({
    clock: systemClock,
    alerts: core.store.firingAlerts(),
    feeds: core.feedStatuses(),
    notifications: () => ({ ...policy.state(), health: notifications.health() }),
  });
  notifications.onHealth(() => tray.changed());
  core.observe(notifications);
  core.observe(tray);
  core.start();
  return {
    core,
    notifications,
    policy,
    tray,
    embeddedGatewayUrl: gateway?.url ?? null,
    close: async () => {
      tray.close();
      // Notifications first: one still on screen must not record "notified" into a closed history.
      await notifications.close();
      await core.close();
      await gateway?.close();
    },
  };
}
