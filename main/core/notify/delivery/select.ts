/**
 * The notifier for each platform and shell. Pure choices (notifierKind, linuxChoice) plus their
 * construction: notifierFor (synchronous, notify-send on Linux) and openNotifier (D-Bus on Linux
 * when the session bus and its notification server answer, notify-send otherwise).
 */
import type { Notifier } from '../request.js';
import { DbusNotifier, type DbusNotifierOptions, type DbusOpenResult } from './dbus.js';
import { NotifySendNotifier } from './linux.js';
import { NodeNotifierNotifier } from './node-notifier.js';

/** Which notifier a core uses. */
export type NotifierKind = 'notify-send' | 'shell' | 'node-notifier';

/**
 * Linux: notify-send (actions work through the freedesktop server). macOS and Windows in the
 * desktop app: the shell's Electron Notification (macOS: node-notifier's terminal-notifier is
 * x86_64 only and deprecated, node-notifier #361; Windows: Electron 42+ registers the toast
 * activator, so actions work from the Action Center — see main/platform/notification-view.ts).
 * macOS and Windows without Electron (the browser console): node-notifier.
 */
export function notifierKind(platform: NodeJS.Platform, shellNotifications: boolean): NotifierKind {
  if (platform === 'linux') return 'notify-send';
  return shellNotifications ? 'shell' : 'node-notifier';
}

/** Pick the notifier for `platform`; `appId` is the app's AppUserModelID (Windows); `shell` when the shell shows them. */
export function notifierFor(platform: NodeJS.Platform, appId: string, icon?: string, shell?: Notifier): Notifier {
  const kind = notifierKind(platform, shell !== undefined);
  if (kind === 'shell') return shell!;
  return kind === 'notify-send'
    ? new NotifySendNotifier(icon ? { icon } : {})
    : new NodeNotifierNotifier({ appId, ...(icon ? { icon } : {}) });
}

/** What Linux delivers through, and why not D-Bus when it falls back. */
export type LinuxChoice = { kind: 'dbus' } | { kind: 'notify-send'; reason: string };

/**
 * D-Bus when there is a session bus address and the connection and GetCapabilities succeeded
 * (`opened`, absent when not tried); notify-send otherwise, which still reports its own failure
 * per notification if there is truly no server.
 */
export function linuxChoice(busAddress: string | undefined, opened?: { ok: boolean; reason?: string }): LinuxChoice {
  if (!busAddress) return { kind: 'notify-send', reason: 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set' };
  if (!opened) return { kind: 'notify-send', reason: 'D-Bus delivery was not tried' };
  return opened.ok ? { kind: 'dbus' } : { kind: 'notify-send', reason: opened.reason ?? 'D-Bus delivery failed' };
}

/** A notifier and, on Linux, what it is and why it fell back. */
export type OpenedNotifier = { notifier: Notifier; kind: NotifierKind | 'dbus'; fallbackReason?: string };

/** How openNotifier reaches D-Bus (stand-ins for tests). */
export type OpenNotifierOptions = {
  env?: NodeJS.ProcessEnv;
  icon?: string;
  shell?: Notifier;
  open?: (options: DbusNotifierOptions) => Promise<DbusOpenResult>;
};

/**
 * Pick and start the notifier for `platform`. On Linux: one D-Bus connection when the session's
 * notification server answers GetCapabilities, else notify-send with the reason (log it). The D-Bus
 * notifier has `withdraw(alert)`; the others do not.
 */
export async function openNotifier(
  platform: NodeJS.Platform,
  appId: string,
  options: OpenNotifierOptions = {},
): Promise<OpenedNotifier> {
  const { env = process.env, icon, shell } = options;
  if (platform !== 'linux')
    return { notifier: notifierFor(platform, appId, icon, shell), kind: notifierKind(platform, !!shell) };
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  const opened = address ? await (options.open ?? DbusNotifier.open)({ env, ...(icon ? { icon } : {}) }) : undefined;
  const choice = linuxChoice(address, opened);
  if (choice.kind === 'dbus' && opened?.ok) return { notifier: opened.notifier, kind: 'dbus' };
  return {
    notifier: new NotifySendNotifier({ env, ...(icon ? { icon } : {}) }),
    kind: 'notify-send',
    fallbackReason: choice.kind === 'notify-send' ? choice.reason : 'D-Bus delivery failed',
  };
}
