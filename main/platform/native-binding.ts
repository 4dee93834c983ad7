/**
 * Which better-sqlite3 native module the desktop app's core loads. Pure: tested in plain Node.
 *
 * `npm install` builds node_modules/better-sqlite3 for Node (the tests need it); Electron needs a
 * build for its own ABI (NODE_MODULE_VERSION), so loading the Node build there fails. From
 * source, `npm run native:electron` (run by `npm start` when needed) builds an Electron copy into
 * ELECTRON_NATIVE_DIR and stamps it with the Electron version it was built for; the core opens
 * every database with better-sqlite3's `nativeBinding` option pointing at it. The packaged app
 * needs none: electron-builder rebuilt node_modules for Electron (npmRebuild). See
 * docs/native-modules.md.
 */
import { join } from 'node:path';

/** The Electron copy's directory, relative to the app root (git-ignored). */
export const ELECTRON_NATIVE_DIR = join('.tocsin-dev', 'electron-native');
/** The Electron build of better-sqlite3 inside that directory. */
export const ELECTRON_BINDING_FILE = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
/** What scripts/native-electron.mjs writes after proving the build's ABI: `{ "electron": "<version>" }`. */
export const ELECTRON_NATIVE_STAMP = 'built-for.json';

/** The decision: node_modules' own module, the Electron copy, or why the app cannot open its history. */
export type SqliteBindingChoice =
  { kind: 'default' } | { kind: 'binding'; path: string } | { kind: 'missing'; reason: string };

/** What the decision looks at. */
export type SqliteBindingInput = {
  /** `app.isPackaged`. */
  packaged: boolean;
  /** The directory holding package.json (`app.getAppPath()` when started as `electron .`). */
  appRoot: string;
  /** `process.versions.electron`. */
  electronVersion: string;
  /** The stamp file's text, or null when there is none. */
  readStamp: (path: string) => string | null;
  exists: (path: string) => boolean;
};

const HOW_TO_BUILD = 'run `npm run native:electron` (`npm start` does it for you), then start Tocsin again';

/** Decide which native module the core loads. */
export function sqliteBindingFor(input: SqliteBindingInput): SqliteBindingChoice {
  if (input.packaged) return { kind: 'default' };
  const dir = join(input.appRoot, ELECTRON_NATIVE_DIR);
  const path = join(dir, ELECTRON_BINDING_FILE);
  const stamp = input.readStamp(join(dir, ELECTRON_NATIVE_STAMP));
  if (stamp === null || !input.exists(path)) {
    return {
      kind: 'missing',
      reason: `better-sqlite3 has not been built for Electron ${input.electronVersion} (no ${path}): ${HOW_TO_BUILD}.`,
    };
  }
  const builtFor = builtForVersion(stamp);
  if (builtFor !== input.electronVersion) {
    return {
      kind: 'missing',
      reason: `better-sqlite3 in ${dir} was built for Electron ${builtFor ?? '(unknown)'}, this is Electron ${input.electronVersion}: ${HOW_TO_BUILD}.`,
    };
  }
  return { kind: 'binding', path };
}

/** The Electron version a stamp names, or null when it is not a stamp. */
export function builtForVersion(stamp: string): string | null {
  try {
    const parsed: unknown = JSON.parse(stamp);
    const version = (parsed as { electron?: unknown } | null)?.electron;
    return typeof version === 'string' && version !== '' ? version : null;
  } catch {
    return null;
  }
}
