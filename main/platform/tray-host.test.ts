import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  dbusSend,
  itemRegisteredFor,
  parseBooleanReply,
  parseStringsReply,
  probeRegistered,
  probeWatcher,
  trayUsable,
} from './tray-host.js';

describe('parsing dbus-send answers', () => {
  it('reads NameHasOwner', () => {
    const reply =
      'method return time=1 sender=org.freedesktop.DBus -> destination=:1.0 serial=3 reply_serial=2\n   boolean false\n';
    expect(parseBooleanReply(reply)).toBe(false);
    expect(parseBooleanReply(reply.replace('false', 'true'))).toBe(true);
    expect(parseBooleanReply('')).toBeNull();
  });

  it("reads RegisteredStatusNotifierItems and finds this process's item in either naming", () => {
    const reply = [
      'method return time=1 sender=:1.20 -> destination=:1.99 serial=9 reply_serial=2',
      '   variant       array [',
      '         string "org.kde.StatusNotifierItem-4242-1/StatusNotifierItem"',
      '         string ":1.57/org/ayatana/NotificationItem/nm_applet"',
      '      ]',
    ].join('\n');
    const items = parseStringsReply(reply);
    expect(items).toHaveLength(2);
    expect(itemRegisteredFor(items, 4242)).toBe(true);
    expect(itemRegisteredFor(items, 424)).toBe(false);
    expect(itemRegisteredFor(['org.freedesktop.StatusNotifierItem-77-1'], 77)).toBe(true);
  });
});

describe('trayUsable', () => {
  it('macOS and Windows always have a tray', () => {
    expect(trayUsable('darwin', { watcher: false, registered: false })).toBe(true);
    expect(trayUsable('win32', { watcher: null, registered: null })).toBe(true);
  });
  it('Linux without a StatusNotifierWatcher (GNOME without the extension) has none', () => {
    expect(trayUsable('linux', { watcher: false, registered: null })).toBe(false);
  });
  it('Linux with a watcher that did not register the item (electron/electron #53213) has none', () => {
    expect(trayUsable('linux', { watcher: true, registered: false })).toBe(false);
    expect(trayUsable('linux', { watcher: true, registered: true })).toBe(true);
  });
  it('trusts Electron when dbus-send is not installed', () => {
    expect(trayUsable('linux', { watcher: null, registered: null })).toBe(true);
  });
});

const hasDbus = spawnSync('sh', ['-c', 'command -v dbus-launch && command -v dbus-send']).status === 0;

describe.runIf(process.platform === 'linux' && hasDbus)('on a real session bus without a tray host', () => {
  it('finds no watcher, so the shell knows closing must not hide to a tray', async () => {
    const out = execFileSync('dbus-launch', ['--sh-syntax'], { encoding: 'utf8' });
    const address = /DBUS_SESSION_BUS_ADDRESS='([^']+)'/.exec(out)![1]!;
    const pid = Number(/DBUS_SESSION_BUS_PID=(\d+)/.exec(out)![1]);
    const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = address;
    try {
      const watcher = await probeWatcher(dbusSend);
      expect(watcher).toBe(false);
      // Asking a watcher that does not exist is an error reply: not registered.
      expect(await probeRegistered(dbusSend, process.pid)).toBe(false);
      expect(trayUsable('linux', { watcher, registered: null })).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
      process.kill(pid);
    }
  });

  it('knows nothing when dbus-send cannot be run', async () => {
    const missing = () => Promise.resolve(null);
    expect(await probeWatcher(missing)).toBeNull();
    expect(await probeRegistered(missing, 1)).toBeNull();
  });
});
