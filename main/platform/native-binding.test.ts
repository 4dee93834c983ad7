import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtForVersion, ELECTRON_BINDING_FILE, ELECTRON_NATIVE_DIR, sqliteBindingFor } from './native-binding.js';

const root = '/src/tocsin';
const dir = join(root, ELECTRON_NATIVE_DIR);
const binding = join(dir, ELECTRON_BINDING_FILE);
const input = (stamp: string | null, exists = true, packaged = false) => ({
  packaged,
  appRoot: root,
  electronVersion: '45.6.1',
  readStamp: (path: string) => (path === join(dir, 'built-for.json') ? stamp : null),
  exists: (path: string) => exists && path === binding,
});

describe('sqliteBindingFor', () => {
  it('the packaged app loads node_modules’ own module (electron-builder rebuilt it for Electron)', () => {
    expect(sqliteBindingFor(input(null, false, true))).toEqual({ kind: 'default' });
  });

  it('from source, loads the Electron copy built for this Electron', () => {
    expect(sqliteBindingFor(input('{"electron":"45.6.1"}'))).toEqual({ kind: 'binding', path: binding });
  });

  it('from source, never falls back to the Node build: says how to build the copy', () => {
    const missing = sqliteBindingFor(input(null, false));
    expect(missing.kind).toBe('missing');
    expect(missing.kind === 'missing' && missing.reason).toMatch(
      /not been built for Electron 45\.6\.1.*npm run native:electron/,
    );
  });

  it('a copy built for another Electron (after a bump) is not loaded', () => {
    const stale = sqliteBindingFor(input('{"electron":"41.7.1"}'));
    expect(stale.kind === 'missing' && stale.reason).toMatch(/built for Electron 41\.7\.1, this is Electron 45\.6\.1/);
  });

  it('a stamp without its binary is missing', () => {
    expect(sqliteBindingFor(input('{"electron":"45.6.1"}', false)).kind).toBe('missing');
  });
});

describe('builtForVersion', () => {
  it('reads the stamp and rejects anything else', () => {
    expect(builtForVersion('{"electron":"45.6.1"}')).toBe('45.6.1');
    expect(builtForVersion('not json')).toBeNull();
    expect(builtForVersion('null')).toBeNull();
    expect(builtForVersion('{"electron":3}')).toBeNull();
  });
});
