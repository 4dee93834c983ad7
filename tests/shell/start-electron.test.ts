// `npm start`: one sentence when the Electron binary is missing; otherwise better-sqlite3 is built
// for Electron first (when its copy is missing or stale) and Electron is started on the project
// root, so that it reads package.json and runs as "Tocsin".
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ELECTRON_BINDING_FILE,
  ELECTRON_NATIVE_DIR,
  ELECTRON_NATIVE_STAMP,
} from '../../main/platform/native-binding.js';
import { APP_NAME } from '../../main/platform/options.js';

const repo = join(import.meta.dirname, '../..');
const script = join(repo, 'scripts/start-electron.mjs');
const electronVersion = (createRequire(join(repo, 'package.json'))('electron/package.json') as { version: string })
  .version;
const EXPECTED =
  'Tocsin cannot start the desktop app here: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no network); run `npm run console` for the browser console instead.';

/** Runs the launcher; ELECTRON_SKIP_BINARY_DOWNLOAD keeps it from downloading Electron (42+ downloads on first use). */
function run(env: NodeJS.ProcessEnv, file = script) {
  return spawnSync(process.execPath, [file], {
    encoding: 'utf8',
    env: { ...env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    timeout: 60_000,
  });
}

/**
 * A project root of its own (the scripts, package.json, the real node_modules by symlink), so that
 * the Electron copy's stamp can be written without touching this checkout's .tocsin-dev.
 */
function projectRoot(stampVersion: string | null): string {
  const root = mkdtempSync(join(tmpdir(), 'tocsin-root-'));
  mkdirSync(join(root, 'scripts'));
  for (const name of ['start-electron.mjs', 'native-electron.mjs'])
    copyFileSync(join(repo, 'scripts', name), join(root, 'scripts', name));
  copyFileSync(join(repo, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  if (stampVersion !== null) {
    const dir = join(root, ELECTRON_NATIVE_DIR);
    mkdirSync(join(dir, ELECTRON_BINDING_FILE, '..'), { recursive: true });
    writeFileSync(join(dir, ELECTRON_BINDING_FILE), '');
    writeFileSync(join(dir, ELECTRON_NATIVE_STAMP), JSON.stringify({ electron: stampVersion }));
  }
  return root;
}

/** Not Electron: a shell script standing where the binary would be, recording its arguments. */
function stubElectron(): { dir: string; argsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-launcher-'));
  const argsFile = join(dir, 'args');
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\necho "$@" > ${argsFile}\nexit 7\n`);
  chmodSync(join(dir, 'electron'), 0o755);
  return { dir, argsFile };
}

describe('scripts/start-electron.mjs', () => {
  it('exits 1 with exactly one clear sentence when the Electron binary is not installed', () => {
    const env = { ...process.env };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const result = run(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${EXPECTED}\n`);
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
    expect(result.stdout).toBe('');
  });

  it('says the same when the resolved path names a binary that is not there', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tocsin-no-electron-'));
    const result = run({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${EXPECTED}\n`);
  });

  // The app itself is not exercised: the stub proves what the launcher passes and forwards.
  it.runIf(process.platform !== 'win32')(
    'starts Electron on the project root (package.json: main and productName) and forwards its exit code',
    () => {
      const root = projectRoot(electronVersion);
      const stub = stubElectron();
      const result = run(
        { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: stub.dir },
        join(root, 'scripts', 'start-electron.mjs'),
      );
      expect(result.status).toBe(7);
      expect(result.stderr).toBe('');
      expect(readFileSync(stub.argsFile, 'utf8').trim()).toBe(root);
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; productName: string };
      expect(pkg.main).toBe('dist/main/index.cjs');
      expect(pkg.productName).toBe(APP_NAME);
    },
  );

  it.runIf(process.platform !== 'win32')(
    'builds better-sqlite3 for Electron when the copy was built for another version, and does not start on a failed build',
    () => {
      const root = projectRoot('1.0.0');
      const stub = stubElectron();
      const result = run(
        { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: stub.dir },
        join(root, 'scripts', 'start-electron.mjs'),
      );
      expect(result.stderr).toContain(`Building better-sqlite3 for Electron ${electronVersion}`);
      // Here the Electron headers cannot be downloaded, so the build fails and Electron is not started;
      // where they can, the build succeeds and the stub's 7 comes back.
      if (result.status === 1) {
        expect(result.stderr).toMatch(/better-sqlite3 could not be built for Electron/);
        expect(() => readFileSync(stub.argsFile)).toThrow();
      } else {
        expect(result.status).toBe(7);
      }
    },
  );
});
