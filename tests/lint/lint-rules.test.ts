// Proves each architecture rule in eslint.config.js fires on a bad fixture and stays quiet on
// the file it allows. Each fixture is linted as if it sat at `as`, with the project's
// real configuration, through ESLint's Node API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function lintFixture(fixture: string, as: string) {
  const [result] = await eslint.lintText(readFileSync(join(fixtures, fixture), 'utf8'), { filePath: join(root, as) });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('main/core never imports electron', () => {
  it.each([
    [
      'core-imports-electron.ts',
      'main/core/notify/uses-electron.ts',
      'no-restricted-imports',
      /main\/core decides and never imports electron/,
    ],
    [
      'core-imports-electron-subpath.ts',
      'main/core/store/uses-electron.ts',
      'no-restricted-imports',
      /main\/core decides and never imports electron/,
    ],
    ['core-dynamic-electron.ts', 'main/core/host/uses-electron.ts', 'no-restricted-syntax', /imported statically/],
  ])('%s fires as %s', async (fixture, as, rule, message) => {
    const messages = await lintFixture(fixture, as);
    expect(messages).toContainEqual({ rule, message: expect.stringMatching(message) });
  });

  it('allows Node built-ins in main/core', async () => {
    expect(await lintFixture('core-node-only.ts', 'main/core/host/start.ts')).toEqual([]);
  });
});

describe('ipcMain only in main/platform/ipc.ts', () => {
  it.each([
    ['ipcmain-outside-adapter.ts', 'main/platform/window.ts', /ipcMain is used only in main\/platform\/ipc\.ts/],
    ['ipcmain-outside-adapter.ts', 'main/index.ts', /ipcMain is used only in main\/platform\/ipc\.ts/],
    ['ipcmain-namespace-import.ts', 'main/platform/tray.ts', /'ipcMain' from 'electron' is restricted/],
    ['electron-default-import.ts', 'main/platform/security.ts', /Import electron's modules by name/],
    ['ipcmain-in-preload.ts', 'preload/index.ts', /ipcMain is used only in main\/platform\/ipc\.ts/],
  ])('%s fires as %s', async (fixture, as, message) => {
    expect(await lintFixture(fixture, as)).toContainEqual({
      rule: 'no-restricted-imports',
      message: expect.stringMatching(message),
    });
  });

  it('allows ipcMain in main/platform/ipc.ts', async () => {
    expect(await lintFixture('ipc-adapter.ts', 'main/platform/ipc.ts')).toEqual([]);
  });

  it('allows other named electron imports in the platform adapters', async () => {
    expect(await lintFixture('platform-named-imports.ts', 'main/platform/window.ts')).toEqual([]);
  });
});

describe('ipcRenderer only in preload/index.ts', () => {
  it.each([
    ['ipcrenderer-outside-preload.ts', 'preload/helpers.ts'],
    ['ipcrenderer-outside-preload.ts', 'main/platform/ipc.ts'],
    ['ipcrenderer-outside-preload.ts', 'main/platform/window.ts'],
  ])('%s fires as %s', async (fixture, as) => {
    expect(await lintFixture(fixture, as)).toContainEqual({
      rule: 'no-restricted-imports',
      message: expect.stringMatching(/ipcRenderer is used only in preload\/index\.ts/),
    });
  });

  it('allows ipcRenderer in preload/index.ts', async () => {
    expect(await lintFixture('preload-bridge.ts', 'preload/index.ts')).toEqual([]);
  });
});

describe('the renderer gets neither Node nor electron', () => {
  it.each([
    ['renderer-node-builtin.ts', 'renderer/features/history/load.ts', /no Node built-ins/],
    ['renderer-bare-builtin.ts', 'renderer/hooks/useHosts.ts', /no Node built-ins/],
    ['renderer-electron.tsx', 'renderer/components/Link.tsx', /talks only to the `api` interface/],
  ])('%s fires as %s', async (fixture, as, message) => {
    const messages = await lintFixture(fixture, as);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.rule === 'no-restricted-imports' && message.test(m.message))).toBe(true);
  });

  it('flags every built-in in the bare-name fixture (path and fs/promises)', async () => {
    expect(await lintFixture('renderer-bare-builtin.ts', 'renderer/x.ts')).toHaveLength(2);
  });

  it('allows contract types and the api object in the renderer', async () => {
    expect(await lintFixture('renderer-api.tsx', 'renderer/features/status/Status.tsx')).toEqual([]);
  });
});

describe('the real adapters', () => {
  it('main/platform/ipc.ts and preload/index.ts lint clean with the project configuration', async () => {
    const results = await eslint.lintFiles(['main/platform/ipc.ts', 'preload/index.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.ruleId}: ${m.message}`))).toEqual([]);
  });

  it('the bad fixtures are ignored by `npm run lint` itself', async () => {
    expect(await eslint.isPathIgnored(join(fixtures, 'ipcmain-outside-adapter.ts'))).toBe(true);
  });
});

describe('layering: which folder may import which (LAYERS in eslint.config.js)', () => {
  const refused = (from: string, to: string) => new RegExp(`^${from} may not import ${to} \\(`);
  it.each([
    ['layer-renderer-imports-core.ts', 'renderer/src/api/uses-core.ts', 'renderer', 'main/core'],
    ['layer-renderer-imports-common-node.ts', 'renderer/src/api/uses-node.ts', 'renderer', 'common/node'],
    ['layer-common-imports-core.ts', 'common/protocol/uses-core.ts', 'common', 'main/core'],
    ['layer-gateway-imports-core.ts', 'gateway/journal/uses-core.ts', 'gateway', 'main/core'],
    ['layer-core-imports-gateway.ts', 'main/core/feed/uses-gateway.ts', 'main/core', 'gateway'],
    ['layer-core-imports-host.ts', 'main/core/notify/uses-host.ts', 'main/core', 'main/core/host'],
    ['layer-preload-imports-webshell.ts', 'preload/uses-webshell.ts', 'preload', 'webshell'],
    ['layer-webshell-imports-gateway.ts', 'webshell/uses-gateway.ts', 'webshell', 'gateway'],
  ])('%s fires as %s', async (fixture, as, from, to) => {
    expect(await lintFixture(fixture, as)).toContainEqual({
      rule: 'local/layering',
      message: expect.stringMatching(refused(from, to)),
    });
  });

  it.each([
    ['layer-renderer-imports-common.ts', 'renderer/src/api/uses-common.ts'],
    ['layer-common-imports-common.ts', 'common/protocol/uses-alert.ts'],
    ['layer-core-imports-gateway.ts', 'main/core/host/embedded.ts'],
    ['layer-platform-imports-core.ts', 'main/platform/uses-core.ts'],
    ['layer-test-imports-anything.ts', 'main/core/anything.test.ts'],
  ])('allows %s as %s', async (fixture, as) => {
    expect((await lintFixture(fixture, as)).filter((m) => m.rule === 'local/layering')).toEqual([]);
  });
});
