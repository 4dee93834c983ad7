/**
 * Whether a Linux tray icon can be seen. `new Tray()` does not throw when nobody hosts it: on
 * GNOME without the AppIndicator extension there is no StatusNotifierWatcher on the session bus
 * (and GNOME Shell has had no XEmbed tray since 3.26), so the icon exists for Electron and for no
 * one else; hiding the window to it would strand the app, running and invisible. Electron
 * 43.4.1+ and 44 have a second way to get there: GNOME's watcher rejects their registration
 * (electron/electron #53213), so the item is never listed although a watcher runs.
 *
 * So on Linux the shell asks the bus, with dbus-send (from the dbus package every desktop
 * session runs): is org.kde.StatusNotifierWatcher owned, and, after the tray was created, is an
 * item of this process among its RegisteredStatusNotifierItems (Chromium names it
 * `org.kde.StatusNotifierItem-<pid>-<n>` or `org.freedesktop.StatusNotifierItem-<pid>-<n>`;
 * watchers list it as that name, possibly followed by the object path). macOS and Windows always
 * have a tray. The parsing and the decision are pure; the probe takes an injected runner.
 */
import { execFile } from 'node:child_process';

/** The StatusNotifierItem watcher's well-known bus name (freedesktop StatusNotifierItem spec). */
export const WATCHER = 'org.kde.StatusNotifierWatcher';

/** dbus-send's arguments for: does anyone own the watcher's name? */
export const WATCHER_QUERY = [
  '--session',
  '--print-reply',
  '--dest=org.freedesktop.DBus',
  '/org/freedesktop/DBus',
  'org.freedesktop.DBus.NameHasOwner',
  `string:${WATCHER}`,
];

/** dbus-send's arguments for: which items has the watcher registered? */
export const REGISTERED_ITEMS_QUERY = [
  '--session',
  '--print-reply',
  `--dest=${WATCHER}`,
  '/StatusNotifierWatcher',
  'org.freedesktop.DBus.Properties.Get',
  `string:${WATCHER}`,
  'string:RegisteredStatusNotifierItems',
];

/** The boolean in a `dbus-send --print-reply` answer, or null when there is none. */
export function parseBooleanReply(stdout: string): boolean | null {
  const match = /^\s*(?:variant\s+)?boolean (true|false)\s*$/m.exec(stdout);
  return match ? match[1] === 'true' : null;
}

/** The strings in a `dbus-send --print-reply` answer (an array of strings). */
export function parseStringsReply(stdout: string): string[] {
  return [...stdout.matchAll(/^\s*string "((?:[^"\\]|\\.)*)"\s*$/gm)].map((match) => match[1]!);
}

/** Whether one of the registered items belongs to process `pid`. */
export function itemRegisteredFor(items: readonly string[], pid: number): boolean {
  return items.some((item) => new RegExp(`StatusNotifierItem-${pid}-\\d+(?:/|$)`).test(item));
}

/** What the bus said; null: dbus-send could not be run (not installed), so nothing is known. */
export type TrayHostFacts = { watcher: boolean | null; registered: boolean | null };

/**
 * Whether the tray can bring the window back. Linux: only with a watcher and, once asked, with
 * this process's item registered. When dbus-send is missing nothing is known and Electron's
 * tray is trusted, as before.
 */
export function trayUsable(platform: NodeJS.Platform, facts: TrayHostFacts): boolean {
  if (platform !== 'linux') return true;
  if (facts.watcher === false || facts.registered === false) return false;
  return true;
}

/**
 * Runs dbus-send; resolves its stdout, '' when it ran and failed (no session bus, no such name),
 * or null when it could not be started.
 */
export type DbusSend = (args: readonly string[]) => Promise<string | null>;

/** The real dbus-send, with a short timeout: a hung bus must not hold the start-up. */
export const dbusSend: DbusSend = (args) =>
  new Promise((resolve) => {
    execFile('dbus-send', [...args], { timeout: 2_000, encoding: 'utf8' }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      resolve(error ? '' : stdout);
    });
  });

/** Is there a watcher at all? (Before creating the tray.) */
export async function probeWatcher(run: DbusSend): Promise<boolean | null> {
  const reply = await run(WATCHER_QUERY);
  return reply === null ? null : parseBooleanReply(reply) === true;
}

/** Has the watcher registered this process's item? (A moment after creating the tray.) */
export async function probeRegistered(run: DbusSend, pid: number): Promise<boolean | null> {
  const reply = await run(REGISTERED_ITEMS_QUERY);
  return reply === null ? null : itemRegisteredFor(parseStringsReply(reply), pid);
}
