/**
 * notify-send delivery: the arguments, the parsing of what it prints, and every failure named —
 * with a stand-in process (deterministic, fake clock) and with the real notify-send.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../tests/support/manual-clock.js';
import type { NotificationRequest } from '../request.js';
import { explainFailure, notifySendArgs, NotifySendNotifier, parseNotifySendOutput, type Spawn } from './linux.js';

const ALERT: NotificationRequest = {
  kind: 'alert',
  title: '-CRITICAL security: x',
  body: 'b',
  urgency: 'critical',
  alert: { feedId: 'f', alertId: 'a' },
  acknowledges: [{ feedId: 'f', alertId: 'a' }],
};
const DIGEST: NotificationRequest = {
  kind: 'digest',
  title: '3 new alerts',
  body: '3 new alerts: 3 outage',
  urgency: 'normal',
  sound: 'default',
  acknowledges: [
    { feedId: 'f', alertId: 'a' },
    { feedId: 'f', alertId: 'b' },
    { feedId: 'f', alertId: 'c' },
  ],
};

/** A stand-in notify-send: the test writes its output and ends it. */
class FakeChild extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  kill(): boolean {
    this.killed = true;
    setImmediate(() => this.exit(null, 'SIGTERM'));
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('close', code, signal);
  }
}
function fakeSpawn() {
  const children: Array<{ args: string[]; child: FakeChild }> = [];
  const spawn: Spawn = (_command, args) => {
    const child = new FakeChild();
    children.push({ args, child });
    return child as unknown as ChildProcess;
  };
  return { spawn, children };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('notify-send arguments and output', () => {
  it('offer Open and Acknowledge on an alert, Acknowledge all on a digest, keep critical ones, never read a title as an option', () => {
    expect(notifySendArgs(ALERT)).toEqual([
      '--app-name=Tocsin',
      '--urgency=critical',
      '--category=x-tocsin.alert',
      '--print-id',
      '--expire-time=0',
      '--action=default=Open',
      '--action=ack=Acknowledge',
      '--wait',
      '--',
      '-CRITICAL security: x',
      'b',
    ]);
    expect(notifySendArgs(DIGEST, '/icons/tocsin.png')).toEqual([
      '--app-name=Tocsin',
      '--urgency=normal',
      '--category=x-tocsin.alert',
      '--print-id',
      '--icon=/icons/tocsin.png',
      '--hint=string:sound-name:message-new-instant',
      '--action=default=Open',
      '--action=ack=Acknowledge all',
      '--wait',
      '--',
      '3 new alerts',
      '3 new alerts: 3 outage',
    ]);
  });

  it('parse the id and the chosen action; id 0 means not shown', () => {
    expect(parseNotifySendOutput('7\nack\n')).toEqual({ id: 7, action: 'ack' });
    expect(parseNotifySendOutput('7\n')).toEqual({ id: 7, action: null });
    expect(parseNotifySendOutput('0\n')).toEqual({ id: null, action: null });
    expect(parseNotifySendOutput('')).toEqual({ id: null, action: null });
  });

  it('explain failures in words people can act on', () => {
    expect(explainFailure(1, 'Unknown option --action=default=Open')).toMatch(/older than libnotify 0.7.12/);
    expect(
      explainFailure(
        1,
        'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided by any .service files',
      ),
    ).toMatch(/^no notification server/);
    expect(explainFailure(1, 'Could not connect: No such file or directory')).toMatch(/^no D-Bus session bus/);
    expect(explainFailure(3, '')).toBe('notify-send exited with 3 (no notification server?)');
  });
});

describe('NotifySendNotifier with a stand-in process', () => {
  it('reports shown when the id arrives, then the action the user chose', async () => {
    for (const [printed, outcome] of [
      ['ack', 'acknowledge'],
      ['default', 'open'],
      ['', 'dismissed'],
    ] as const) {
      const { spawn, children } = fakeSpawn();
      const shown: unknown[] = [];
      const result = new NotifySendNotifier({ spawn, clock: new ManualClock() }).show(ALERT, {
        shown: (detail) => shown.push(detail),
      });
      children[0]!.child.stdout.write('42\n');
      await tick();
      expect(shown).toEqual([undefined]);
      children[0]!.child.stdout.write(printed ? `${printed}\n` : '');
      await tick();
      children[0]!.child.exit(0);
      expect(await result).toEqual({ kind: outcome });
    }
  });

  it('fails with the reason when notify-send is missing, exits non-zero, or the server never answers', async () => {
    const missing: Spawn = () => {
      const child = new FakeChild();
      setImmediate(() => child.emit('error', Object.assign(new Error('spawn notify-send ENOENT'), { code: 'ENOENT' })));
      return child as unknown as ChildProcess;
    };
    expect(await new NotifySendNotifier({ spawn: missing }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^notify-send is not installed/),
    });

    const { spawn, children } = fakeSpawn();
    const refused = new NotifySendNotifier({ spawn, clock: new ManualClock() }).show(ALERT);
    children[0]!.child.stdout.write('0\n');
    children[0]!.child.stderr.write('Could not connect: No such file or directory\n');
    await tick();
    children[0]!.child.exit(1);
    expect(await refused).toEqual({ kind: 'failed', reason: expect.stringMatching(/^no D-Bus session bus/) });

    const clock = new ManualClock();
    const silent = fakeSpawn();
    const hanging = new NotifySendNotifier({ spawn: silent.spawn, clock, shownWithinMs: 5_000 }).show(ALERT);
    silent.children[0]!.child.stderr.write('libnotify-WARNING **: Failed to connect to proxy\n');
    await tick();
    clock.advance(5_000);
    expect(await hanging).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^no notification server answered within 5000 ms: no D-Bus session bus/),
    });
    expect(silent.children[0]!.child.killed).toBe(true);
  });

  it('says so when the server shows no action buttons', async () => {
    const { spawn, children } = fakeSpawn();
    const shown: unknown[] = [];
    const result = new NotifySendNotifier({ spawn, clock: new ManualClock() }).show(ALERT, {
      shown: (detail) => shown.push(detail),
    });
    children[0]!.child.stderr.write(
      'Actions are not supported by this notifications server. Displaying non-interactively.\n',
    );
    await tick();
    children[0]!.child.stdout.write('9\n');
    await tick();
    children[0]!.child.exit(0);
    await result;
    expect(shown).toEqual([{ warning: expect.stringMatching(/no action buttons/) }]);
  });

  it('runs under stdbuf -oL, and without stdbuf infers "shown" when nothing failed within a second', async () => {
    const commands: string[] = [];
    const clock = new ManualClock();
    const children: FakeChild[] = [];
    const spawn: Spawn = (command, args) => {
      commands.push([command, ...args.slice(0, 2)].join(' '));
      const child = new FakeChild();
      if (command === 'stdbuf')
        setImmediate(() => child.emit('error', Object.assign(new Error('spawn stdbuf ENOENT'), { code: 'ENOENT' })));
      else children.push(child);
      return child as unknown as ChildProcess;
    };
    const notifier = new NotifySendNotifier({ spawn, clock });
    const shown: unknown[] = [];
    const result = notifier.show(ALERT, { shown: () => shown.push('shown') });
    await tick();
    await tick();
    expect(commands).toEqual(['stdbuf -oL notify-send', 'notify-send --app-name=Tocsin --urgency=critical']);
    clock.advance(999);
    expect(shown).toEqual([]);
    clock.advance(1);
    expect(shown).toEqual(['shown']);
    children[0]!.stdout.write('3\nack\n');
    children[0]!.exit(0);
    expect(await result).toEqual({ kind: 'acknowledge' });
    void notifier.show(ALERT);
    expect(commands[2]).toBe('notify-send --app-name=Tocsin --urgency=critical'); // remembered
  });

  it('keeps at most maxWaiting processes waiting for an answer, and close ends the rest', async () => {
    const { spawn, children } = fakeSpawn();
    const notifier = new NotifySendNotifier({ spawn, clock: new ManualClock(), maxWaiting: 2 });
    const results = [1, 2, 3].map(() => notifier.show(ALERT));
    for (const { child } of children) child.stdout.write('5\n');
    await tick();
    expect(children.map((c) => c.child.killed)).toEqual([true, false, false]);
    expect(await results[0]).toEqual({ kind: 'shown' });
    await notifier.close();
    expect(await Promise.all(results.slice(1))).toEqual([{ kind: 'shown' }, { kind: 'shown' }]);
  });
});

describe('NotifySendNotifier with the real notify-send', () => {
  it('names a missing notify-send', async () => {
    const env = { ...process.env, PATH: mkdtempSync(join(tmpdir(), 'tocsin-empty-path-')) };
    expect(await new NotifySendNotifier({ env }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^notify-send is not installed/),
    });
  });

  it('names a missing notify-send where stdbuf exists', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'tocsin-stdbuf-only-'));
    symlinkSync(spawnSync('sh', ['-c', 'command -v stdbuf'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'stdbuf'));
    const env = { ...process.env, PATH: bin };
    expect(await new NotifySendNotifier({ env }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^notify-send is not installed/),
    });
  });

  it('names a missing session bus at once (notify-send 0.8 would wait forever)', async () => {
    const started = Date.now();
    const nowhere = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    expect(await new NotifySendNotifier({ env: nowhere }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^no D-Bus session bus/),
    });
    const noBus: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '' };
    delete noBus.DBUS_SESSION_BUS_ADDRESS;
    expect(await new NotifySendNotifier({ env: noBus }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/^no D-Bus session bus/),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names a session bus without a notification server', async () => {
    // A private bus and no display: nothing can serve org.freedesktop.Notifications.
    const bus = spawnSync('dbus-daemon', ['--session', '--print-address=1', '--print-pid=1', '--fork'], {
      encoding: 'utf8',
    });
    const [address, pid] = bus.stdout.trim().split('\n');
    try {
      const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, DISPLAY: '', WAYLAND_DISPLAY: '' };
      expect(await new NotifySendNotifier({ env }).show(ALERT)).toEqual({
        kind: 'failed',
        reason: expect.stringMatching(/^no notification server is running/),
      });
    } finally {
      process.kill(Number(pid));
    }
  });
});
