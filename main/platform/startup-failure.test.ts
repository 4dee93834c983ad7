import { describe, expect, it } from 'vitest';
import { launchWith, startupFailure, startupFailureKind } from './startup-failure.js';

const driver =
  'the SQLite driver (better-sqlite3) could not be loaded: The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 145. The alert history was not opened and is untouched.';
const damaged =
  'the alert history /home/u/.config/Tocsin/history.sqlite is damaged (file is not a database). Tocsin has not touched it. To keep it…';

describe('startupFailure', () => {
  it('a native module failure is never called a damaged history', () => {
    expect(startupFailureKind(driver)).toBe('sqlite-driver');
    const fromSource = startupFailure(driver, { packaged: false, platform: 'linux' });
    expect(fromSource.content).toMatch(/npm run native:electron/);
    expect(fromSource.content).not.toMatch(/damaged|reset-history/);
    expect(startupFailure(driver, { packaged: true, platform: 'darwin' }).content).toMatch(/Reinstall Tocsin/);
  });

  it('a missing Electron build from source is a driver failure too', () => {
    expect(startupFailureKind('better-sqlite3 has not been built for Electron 45.6.1 (no /x): run …')).toBe(
      'sqlite-driver',
    );
  });

  it('a damaged history gives the platform’s way to start with --reset-history', () => {
    expect(startupFailureKind(damaged)).toBe('damaged-history');
    expect(startupFailure(damaged, { packaged: true, platform: 'darwin' }).content).toMatch(
      /open -a Tocsin --args --reset-history/,
    );
    expect(startupFailure(damaged, { packaged: true, platform: 'win32' }).content).toContain(
      'Tocsin.exe" --reset-history',
    );
    expect(startupFailure(damaged, { packaged: false, platform: 'linux' }).content).toMatch(
      /npm start -- --reset-history/,
    );
  });

  it('anything else is shown as it is, with a title', () => {
    const other = startupFailure('the core worker was not ready within 60000 ms', {
      packaged: true,
      platform: 'linux',
    });
    expect(other).toMatchObject({ kind: 'other', title: 'Tocsin could not start' });
    expect(other.content).toMatch(/^the core worker was not ready within 60000 ms\n\n/);
  });

  it('launchWith names each OS’s way to pass an argument', () => {
    expect(launchWith('--x', 'linux')).toMatch(/^tocsin --x/);
  });
});
