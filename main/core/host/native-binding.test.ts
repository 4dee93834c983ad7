/**
 * CoreInit.sqliteNativeBinding through the real worker (the built bundle): every SQLite file the
 * worker opens — the history, its checkpoint thread, the embedded gateway's journal — loads the
 * module it names; one that does not load fails the start as a driver failure, never as a damaged
 * history, and --reset-history then renames nothing. (Electron's own build cannot be made here;
 * node_modules' Node build stands for "the binding the shell chose".)
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startupFailure } from '../../platform/startup-failure.js';
import { CoreHost } from './core-host.js';

const root = join(import.meta.dirname, '../../..');
const worker = join(root, 'dist/core/worker.cjs');
const nodeBuild = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

describe('CoreInit.sqliteNativeBinding in the worker', () => {
  it('starts the core and the embedded gateway on the binding it is given', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-binding-'));
    const host = await CoreHost.start(worker, {
      dataDir,
      userName: 'ann',
      notifications: 'off',
      sqliteNativeBinding: nodeBuild,
    });
    try {
      expect(host.embeddedGatewayUrl).toMatch(/^ws:\/\//);
      expect(await host.invoke('activeAlerts', {})).toMatchObject({ ok: true });
    } finally {
      await host.close();
    }
    expect(existsSync(join(dataDir, 'history.sqlite'))).toBe(true);
  }, 30_000);

  it('a binding that does not load fails the start as a driver failure and renames nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-binding-'));
    const first = await CoreHost.start(worker, { dataDir, userName: 'ann', notifications: 'off' });
    await first.close();
    const bad = join(dataDir, 'better_sqlite3.node');
    writeFileSync(bad, 'not a shared library');
    const failure = await CoreHost.start(worker, {
      dataDir,
      userName: 'ann',
      notifications: 'off',
      sqliteNativeBinding: bad,
      resetHistory: true,
    }).then(
      async (host) => {
        await host.close();
        return null;
      },
      (error: Error) => error.message,
    );
    expect(failure).not.toBeNull();
    expect(failure).toMatch(/better_sqlite3\.node/);
    expect(failure).not.toMatch(/damaged/);
    expect(startupFailure(failure!, { packaged: false, platform: 'linux' }).kind).toBe('sqlite-driver');
    expect(readdirSync(dataDir).filter((name) => name.includes('.damaged-'))).toEqual([]);
  }, 30_000);
});
