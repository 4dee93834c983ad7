/**
 * The core in its real worker thread, from the built bundle: the embedded demo gateway, the
 * api across the thread boundary, the tray model, snooze, and a clean close; heartbeats, and
 * why and how a worker went down.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrayModel } from '../../../common/tray-model.js';
import { CoreHost, type CoreDown } from './core-host.js';

const root = join(import.meta.dirname, '../../..');
describe('CoreHost', () => {
  it('runs the core and the embedded demo gateway in a worker thread', async () => {
    const host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), {
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-host-')),
      userName: 'ann',
      notifications: 'off',
    });
    try {
      expect(host.embeddedGatewayUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/feed$/);
      const models: TrayModel[] = [];
      host.onTrayModel((model) => models.push(model));
      const deadline = Date.now() + 10_000;
      while (!models.some((m) => m.status === '1 feed live' && m.counts.firing > 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(models.at(-1)).toMatchObject({ status: '1 feed live', notificationsPaused: false, snoozedUntil: null });
      expect(['warning', 'critical', 'security', 'ok']).toContain(models.at(-1)!.state);

      const active = await host.invoke('activeAlerts', {});
      expect(active.ok && active.value.length).toBeGreaterThan(0);
      const invalid = await host.invoke('snooze', { feedId: 'embedded', alertId: 'x', minutes: -5 });
      expect(invalid).toMatchObject({ ok: false, code: 'invalid_request' });

      host.snoozeNotifications(4);
      host.setNotificationsPaused(true);
      const until = Date.now() + 5_000;
      while (!(models.at(-1)?.notificationsPaused && models.at(-1)?.snoozedUntil) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(models.at(-1)!.snoozedUntil! - Date.now()).toBeGreaterThan(4 * 3600_000 - 10_000);
      expect(models.at(-1)!.notificationsPaused).toBe(true);
    } finally {
      await host.close();
    }
    expect(await host.invoke('feedStatus', {})).toMatchObject({ ok: false, code: 'unavailable' });
  }, 30_000);

  it('beats while running, and reports a crash with its reason and exit code', async () => {
    process.env.TOCSIN_TEST_HOOKS = '1'; // read by the worker when it starts
    try {
      const host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), {
        dataDir: mkdtempSync(join(tmpdir(), 'tocsin-host-')),
        userName: 'ann',
        notifications: 'off',
      });
      let beats = 0;
      host.onHeartbeat(() => beats++);
      await new Promise((r) => setTimeout(r, 1_200));
      expect(beats).toBeGreaterThanOrEqual(2);
      const down = new Promise<CoreDown>((resolve) => host.onDown(resolve));
      host.injectFault('crash');
      expect(await down).toEqual({
        reason: 'the core worker failed: RangeError: test hook: the core crashed on purpose',
        exitCode: 1,
      });
      expect(await host.invoke('feedStatus', {})).toMatchObject({ ok: false, code: 'unavailable' });
      expect(await new Promise<CoreDown>((resolve) => host.onDown(resolve))).toMatchObject({ exitCode: 1 }); // told at once when already down
    } finally {
      delete process.env.TOCSIN_TEST_HOOKS;
    }
  }, 30_000);

  it('ends a worker that does not get ready in time, and one terminated as hung reports the given reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-host-'));
    const silent = join(dir, 'silent-worker.cjs');
    writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");
    await expect(CoreHost.start(silent, { dataDir: dir, userName: 'ann' }, { startTimeoutMs: 300 })).rejects.toThrow(
      'the core worker was not ready within 300 ms',
    );

    const host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), {
      dataDir: dir,
      userName: 'ann',
      notifications: 'off',
    });
    const down = new Promise<CoreDown>((resolve) => host.onDown(resolve));
    expect(await host.terminate('no heartbeat for 3 s')).toBe(1);
    expect(await down).toEqual({ reason: 'no heartbeat for 3 s', exitCode: 1 });
  }, 30_000);
});
