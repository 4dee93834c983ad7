// `npm start` on a machine without the Electron binary: one sentence, exit 1, no stack.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../scripts/start-electron.mjs');
const EXPECTED =
  'Tocsin cannot start the desktop app here: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no network); run `npm run console` for the browser console instead.';

function run(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [script], { encoding: 'utf8', env, timeout: 20_000 });
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

  // Not Electron: a shell script standing where the binary would be, to prove that the launcher
  // passes the main bundle and forwards the exit code. The app itself is not exercised.
  it.runIf(process.platform !== 'win32')('forwards the exit code of the binary it launches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-launcher-'));
    const stub = join(dir, 'electron');
    writeFileSync(stub, '#!/bin/sh\ncase "$1" in *dist/main/index.cjs) exit 7;; esac\nexit 3\n');
    chmodSync(stub, 0o755);
    const result = run({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir });
    expect(result.status).toBe(7);
    expect(result.stderr).toBe('');
  });
});
