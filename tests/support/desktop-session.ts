/**
 * A real freedesktop notification stack for tests: Xvfb on a free display, a private D-Bus
 * session bus, dunst as the notification server, and dbus-monitor recording every Notify
 * call. Everything is started here and stopped in `stop()`, even when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './processes.js';

export type DesktopSession = {
  env: NodeJS.ProcessEnv;
  /** Every org.freedesktop.Notifications.Notify call so far, as dbus-monitor printed it. */
  notifyCalls(): string[];
  /** What dunst's context menu offered the last time it was opened (via the dmenu stand-in). */
  menuOffered(): string;
  dunstctl(...args: string[]): string;
  screenshot(path: string): void;
  stop(): Promise<void>;
};

const waitFor = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`desktop session: ${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Start Xvfb, a session bus, dunst and a monitor. */
export async function startDesktopSession(): Promise<DesktopSession> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-desktop-'));
  const children: ChildProcess[] = [];
  let display = 90 + Math.floor(Math.random() * 400);
  while (existsSync(`/tmp/.X11-unix/X${display}`) || existsSync(`/tmp/.X${display}-lock`)) display++;
  children.push(spawn('Xvfb', [`:${display}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' }));
  await waitFor(() => existsSync(`/tmp/.X11-unix/X${display}`), 'Xvfb');
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: `:${display}` };
  const bus = spawnSync('dbus-launch', ['--sh-syntax'], { env, encoding: 'utf8' });
  const address = bus.stdout.match(/DBUS_SESSION_BUS_ADDRESS='([^']+)'/)?.[1];
  const busPid = Number(bus.stdout.match(/DBUS_SESSION_BUS_PID=(\d+)/)?.[1]);
  if (!address) throw new Error(`dbus-launch failed: ${bus.stderr}`);
  env.DBUS_SESSION_BUS_ADDRESS = address;

  // dunst's context menu pipes its entries to "dmenu": this stand-in records them and picks Acknowledge.
  const menuLog = join(dir, 'menu.txt');
  const dmenu = join(dir, 'dmenu.sh');
  writeFileSync(dmenu, `#!/bin/sh\ncat > '${menuLog}'\ngrep -m1 Acknowledge '${menuLog}'\n`);
  chmodSync(dmenu, 0o755);
  const dunstrc = join(dir, 'dunstrc');
  writeFileSync(dunstrc, `[global]\n  font = DejaVu Sans 11\n  width = 420\n  offset = 20x20\n  origin = top-right\n  dmenu = ${dmenu}\n  frame_width = 2\n  frame_color = "#7cc4ff"\n[urgency_normal]\n  background = "#171b21"\n  foreground = "#e6e9ee"\n  timeout = 0\n[urgency_critical]\n  background = "#4a1414"\n  foreground = "#ffffff"\n  frame_color = "#ff6b6b"\n  timeout = 0\n`);

  const monitorLines: string[] = [];
  const monitor = spawn('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications',member='Notify'"], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let monitorText = '';
  monitor.stdout!.on('data', (chunk: Buffer) => (monitorText += chunk.toString()));
  children.push(monitor);
  children.push(spawn('dunst', ['-config', dunstrc], { env, stdio: 'ignore' }));
  const dunstctl = (...args: string[]) => spawnSync('dunstctl', args, { env, encoding: 'utf8' }).stdout;
  await waitFor(() => spawnSync('dunstctl', ['is-paused'], { env }).status === 0, 'dunst');

  return {
    env,
    notifyCalls: () => {
      monitorLines.length = 0;
      for (const block of monitorText.split(/\n(?=method call)/)) if (block.includes('member=Notify')) monitorLines.push(block);
      return [...monitorLines];
    },
    menuOffered: () => (existsSync(menuLog) ? readFileSync(menuLog, 'utf8') : ''),
    dunstctl,
    screenshot: (path) => {
      const shot = spawnSync('import', ['-window', 'root', path], { env });
      if (shot.status !== 0) throw new Error(`screenshot failed: ${shot.stderr}`);
    },
    stop: async () => {
      for (const child of children.reverse()) await stopChild(child, 2_000);
      if (busPid) {
        try {
          process.kill(busPid);
        } catch {
          // already gone
        }
      }
    },
  };
}
