/**
 * A real freedesktop notification stack for tests: Xvfb on a display it picks itself
 * (-displayfd), a private D-Bus session bus (dbus-launch), dunst as the notification server
 * (tests/support/dunstrc) and dbus-monitor recording every Notify call. Whatever was started is
 * stopped, and awaited, in `stop()` — and at once if starting fails half-way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, stopChild } from './processes.js';

/** One entry of `dunstctl history`, simplified. */
export type DunstHistoryEntry = {
  id: number;
  appname: string;
  summary: string;
  body: string;
  category: string;
  defaultActionName: string;
};

export type DesktopSession = {
  env: NodeJS.ProcessEnv;
  /** Every org.freedesktop.Notifications.Notify call so far, as dbus-monitor printed it. */
  notifyCalls(): string[];
  /** What dunst's context menu offered the last time it was opened (via the dmenu stand-in). */
  menuOffered(): string;
  dunstctl(...args: string[]): string;
  /** Notifications dunst has shown and closed (`dunstctl history`), newest first. */
  history(): DunstHistoryEntry[];
  /** Save the whole screen, optionally cropped ("WxH+X+Y"), as PNG. */
  screenshot(path: string, crop?: string): void;
  stop(): Promise<void>;
};

const waitFor = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`desktop session: ${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Wait until a process we did not spawn ourselves (the bus daemon) has exited. */
const pidGone = async (pid: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    // A zombie has exited but is not reaped yet: it holds nothing.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    if (/^\d+ \(.*\) Z/.test(stat) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Start Xvfb, a session bus, dunst and a monitor. */
export async function startDesktopSession(): Promise<DesktopSession> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-desktop-'));
  const children: ChildProcess[] = [];
  let busPid = 0;
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child, 2_000);
    if (busPid) {
      try {
        process.kill(busPid, 'SIGTERM');
      } catch {
        // already gone
      }
      await pidGone(busPid, 2_000);
    }
  };
  try {
    // -displayfd: Xvfb picks a free display and writes its number, so parallel runs never collide.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    children.push(xvfb);
    let displayText = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => (displayText += chunk.toString()));
    await waitFor(() => /\d+\n/.test(displayText) || xvfb.exitCode !== null, 'Xvfb');
    if (xvfb.exitCode !== null) throw new Error(`Xvfb exited with ${xvfb.exitCode}`);
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: `:${displayText.trim()}` };
    delete env.WAYLAND_DISPLAY;

    const bus = spawnSync('dbus-launch', ['--sh-syntax'], { env, encoding: 'utf8' });
    const address = bus.stdout.match(/DBUS_SESSION_BUS_ADDRESS='([^']+)'/)?.[1];
    busPid = Number(bus.stdout.match(/DBUS_SESSION_BUS_PID=(\d+)/)?.[1] ?? 0);
    if (!address) throw new Error(`dbus-launch failed: ${bus.stderr}`);
    env.DBUS_SESSION_BUS_ADDRESS = address;

    // dunst's context menu pipes its entries to "dmenu": this stand-in records them and picks Acknowledge.
    const menuLog = join(dir, 'menu.txt');
    const dmenu = join(dir, 'dmenu.sh');
    writeFileSync(dmenu, `#!/bin/sh\ncat > '${menuLog}'\ngrep -m1 Acknowledge '${menuLog}'\n`);
    chmodSync(dmenu, 0o755);
    const dunstrc = join(dir, 'dunstrc');
    writeFileSync(dunstrc, readFileSync(join(import.meta.dirname, 'dunstrc'), 'utf8').replaceAll('@DMENU@', dmenu));

    let monitorText = '';
    const monitor = spawn('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications',member='Notify'"], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    monitor.stdout!.on('data', (chunk: Buffer) => (monitorText += chunk.toString()));
    children.push(monitor);
    await waitFor(() => monitorText.includes('NameAcquired') || monitorText.length > 0, 'dbus-monitor', 5_000).catch(
      () => undefined,
    );
    const dunst = spawn('dunst', ['-config', dunstrc], { env, stdio: 'ignore' });
    children.push(dunst);
    const dunstctl = (...args: string[]) => spawnSync('dunstctl', args, { env, encoding: 'utf8' }).stdout;
    // Ready when *this* dunst owns the notification name. Asking dunst itself (dunstctl) before it
    // does would make the bus auto-start another notification server from its service files, with
    // the default configuration (no test rules, no dmenu stand-in): under load that one won.
    const owner = () => {
      const reply = spawnSync(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.GetConnectionUnixProcessID',
          'string:org.freedesktop.Notifications',
        ],
        { env, encoding: 'utf8' },
      );
      return Number(reply.stdout.match(/uint32 (\d+)/)?.[1] ?? 0);
    };
    await waitFor(() => dunst.exitCode !== null || owner() !== 0, 'dunst');
    if (owner() !== dunst.pid)
      throw new Error(
        `the notification name is owned by pid ${owner()}, not by the dunst this session started (pid ${dunst.pid}, exit ${dunst.exitCode})`,
      );

    return {
      env,
      notifyCalls: () => monitorText.split(/\n(?=method call)/).filter((block) => block.includes('member=Notify')),
      menuOffered: () => (existsSync(menuLog) ? readFileSync(menuLog, 'utf8') : ''),
      dunstctl,
      history: () => {
        const json = JSON.parse(dunstctl('history') || '{"data":[[]]}') as {
          data: Array<Array<Record<string, { data: unknown }>>>;
        };
        return (json.data[0] ?? []).map((n) => ({
          id: Number(n.id?.data),
          appname: String(n.appname?.data),
          summary: String(n.summary?.data),
          body: String(n.body?.data),
          category: String(n.category?.data),
          defaultActionName: String(n.default_action_name?.data),
        }));
      },
      screenshot: (path, crop) => {
        const shot = spawnSync('import', ['-window', 'root', ...(crop ? ['-crop', crop, '+repage'] : []), path], {
          env,
          encoding: 'utf8',
        });
        if (shot.status !== 0) throw new Error(`screenshot failed: ${shot.stderr}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A session bus with nothing on it and nothing it can start (no service directories): where no
 * notification server is, for the failure and fallback tests. No X server, no dunst.
 */
export async function startBareBus(): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bare-bus-'));
  const config = join(dir, 'bus.conf');
  // The system's session configuration (its limits and policy: a hand-written minimal one left
  // every call unanswered here), without the service directories that would start dunst on demand.
  const session = readFileSync('/usr/share/dbus-1/session.conf', 'utf8')
    .replace(/<standard_session_servicedirs\s*\/>|<servicedir>[^<]*<\/servicedir>/g, '')
    .replace(/<listen>[^<]*<\/listen>/, `<listen>unix:dir=${dir}</listen>`);
  writeFileSync(config, session);
  const bus = await startProcess(
    'dbus-daemon',
    [`--config-file=${config}`, '--print-address', '--nofork'],
    /^(unix:\S+)$/m,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.match[1]! };
  return { env, stop: bus.stop };
}
