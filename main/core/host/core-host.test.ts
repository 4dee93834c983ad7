/**
 * The core in its real worker thread, from the built bundle: the embedded demo gateway, the
 * api across the thread boundary, the tray model, snooze, and a clean close.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrayModel } from '../tray/tray-model.js';
import { CoreHost } from './core-host.js';

const root = join(import.meta.dirname, '../../..');
describe('CoreHost', () => {
  it('runs the core and the embedded demo gateway in a worker thread', async () => {
    const host = await CoreHost.start(join(root, 'dist/core/worker.cjs'), { dataDir: mkdtempSync(join(tmpdir(), 'tocsin-host-')), userName: 'ann', notifications: 'off' });
    try {
      expect(host.embeddedGatewayUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/feed$/);
      const models: TrayModel[] = [];
      host.onTrayModel((model) => models.push(model));
      const deadline = Date.now() + 10_000;
      while (!models.some((m) => m.status === '1 feed live' && m.counts.firing > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(models.at(-1)).toMatchObject({ status: '1 feed live', notificationsPaused: false, snoozedUntil: null });
      expect(['warning', 'critical', 'security', 'ok']).toContain(models.at(-1)!.state);

      const active = await host.invoke('activeAlerts', {});
      expect(active.ok && active.value.length).toBeGreaterThan(0);
      const invalid = await host.invoke('snooze', { feedId: 'embedded', alertId: 'x', minutes: -5 });
      expect(invalid).toMatchObject({ ok: false, code: 'invalid_request' });

      host.snoozeNotifications(4);
      host.setNotificationsPaused(true);
      const until = Date.now() + 5_000;
      while (!(models.at(-1)?.notificationsPaused && models.at(-1)?.snoozedUntil) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(models.at(-1)!.snoozedUntil! - Date.now()).toBeGreaterThan(4 * 3600_000 - 10_000);
      expect(models.at(-1)!.notificationsPaused).toBe(true);
    } finally {
      await host.close();
    }
    expect(await host.invoke('feedStatus', {})).toMatchObject({ ok: false, code: 'unavailable' });
  }, 30_000);
});
