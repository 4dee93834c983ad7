// electron-builder.yml validated offline with electron-builder's own schema check (the check
// `electron-builder` runs before packaging). Packaging itself cannot run here: it downloads Electron and platform tools.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { APP_ID } from '../../main/platform/options.js';
import { appMenuTemplate, rolesOf } from '../../main/platform/app-menu.js';

/** The minimatch @electron/universal itself uses for x64ArchFiles. */
const requireHere = createRequire(import.meta.url);
const { minimatch } = createRequire(requireHere.resolve('@electron/universal'))('minimatch') as {
  minimatch: (path: string, pattern: string, options: { matchBase: boolean }) => boolean;
};

const root = join(import.meta.dirname, '../..');
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');

async function load(projectDir: string, file: string) {
  const config = await getConfig(projectDir, file, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema check", async () => {
    await expect(load(root, 'electron-builder.yml')).resolves.toBeTruthy();
  });

  it.each([
    // Nested typos are reported against their section (the schema's anyOf hides the key name).
    ['linux.categry', '  category: System', '  categry: System', /configuration\.linux should be/],
    ['asarUnpak', 'asarUnpack:', 'asarUnpak:', /asarUnpak/],
  ])('fails the schema check with a typo: %s', async (_what, from, to, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-builder-'));
    expect(configText).toContain(from);
    writeFileSync(join(dir, 'electron-builder.yml'), configText.replace(from, to));
    const failure = load(dir, 'electron-builder.yml');
    await expect(failure).rejects.toThrow(/does not match the API schema/);
    await expect(failure).rejects.toThrow(message);
  });

  it('names the app as the shell does, ships only built code and unpacks the native module', async () => {
    const config = await load(root, 'electron-builder.yml');
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Tocsin');
    const files = (config.files as Array<string | { filter?: string[] }>).flatMap((f) =>
      typeof f === 'string' ? [f] : (f.filter ?? []),
    );
    const included = files.filter((f) => !f.startsWith('!'));
    expect(included.sort()).toEqual([
      'dist/core/**',
      'dist/main/**',
      'dist/preload/**',
      'dist/renderer/**',
      'package.json',
    ]);
    for (const devOnly of [
      'tests',
      'bench',
      'docs',
      'scripts',
      'main/',
      'gateway',
      'webshell',
      'dist/gateway',
      'dist/webshell',
    ]) {
      expect(included.some((f) => f.startsWith(devOnly))).toBe(false);
    }
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
  });

  it('has macOS (dmg, zip, hardened runtime, entitlements, notarisation), Windows (NSIS) and Linux (AppImage, deb) targets with existing icons', async () => {
    const config = await load(root, 'electron-builder.yml');
    const targets = (list: unknown) => (list as Array<{ target: string }>).map((t) => t.target);
    expect(targets(config.mac?.target)).toEqual(['dmg', 'zip']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.notarize).toBe(true);
    expect(existsSync(join(root, config.mac?.entitlements as string))).toBe(true);
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('System');
    for (const icon of [config.mac?.icon, config.win?.icon, config.linux?.icon])
      expect(existsSync(join(root, icon as string)), String(icon)).toBe(true);
  });
});

describe('electron-builder.yml, as the release runners will use it', () => {
  it("lets the universal macOS build keep node-notifier's x86_64-only terminal-notifier (electron/universal #51)", async () => {
    const config = await load(root, 'electron-builder.yml');
    const pattern = config.mac?.x64ArchFiles;
    expect(typeof pattern).toBe('string');
    // The path @electron/universal compares, inside the app bundle, matched the way it matches it.
    const helper =
      'Contents/Resources/app.asar.unpacked/node_modules/node-notifier/vendor/mac.noindex/terminal-notifier.app/Contents/MacOS/terminal-notifier';
    expect(existsSync(join(root, helper.slice(helper.indexOf('node_modules'))))).toBe(true);
    expect(minimatch(helper, pattern as string, { matchBase: true })).toBe(true);
    // …and nothing of our own, nor Electron's or better-sqlite3's binaries, which must be merged.
    for (const other of [
      'Contents/MacOS/Tocsin',
      'Contents/Resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'Contents/Frameworks/Electron Framework.framework/Versions/A/Electron Framework',
    ])
      expect(minimatch(other, pattern as string, { matchBase: true }), other).toBe(false);
  });

  it('asks macOS for alert-style notifications, without which the Acknowledge and Open buttons do not appear', async () => {
    const config = await load(root, 'electron-builder.yml');
    expect(config.mac?.extendInfo).toMatchObject({ NSUserNotificationAlertStyle: 'alert' });
  });

  it('the deb depends on libgbm1 and still on what the notifier and Electron need', async () => {
    const config = await load(root, 'electron-builder.yml');
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libgbm1', 'libnotify-bin', 'libnss3', 'libgtk-3-0']));
  });

  it('ships no development code: no sources, tests, source maps, Electron copy or dev bundles', async () => {
    const config = await load(root, 'electron-builder.yml');
    const all = (config.files as Array<string | { filter?: string[] }>).flatMap((f) =>
      typeof f === 'string' ? [f] : (f.filter ?? []),
    );
    const files = all.filter((f) => !f.startsWith('!'));
    for (const devOnly of ['.tocsin-dev', 'node_modules/electron', 'tests', 'bench', 'scripts', 'dist/gateway'])
      expect(
        files.some((f) => f.startsWith(devOnly)),
        devOnly,
      ).toBe(false);
    expect(all).toContain('!**/*.map');
    // The packaged app runs with app.isPackaged: DevTools are not in its menu (main/platform/app-menu.ts).
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      expect(rolesOf(appMenuTemplate(platform, true, { showConsole: () => {} }))).not.toContain('toggleDevTools');
  });
});
