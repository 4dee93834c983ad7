// The history's opener with better-sqlite3's `nativeBinding`: a driver that does not load is
// reported as a driver failure and never as a damaged history, and --reset-history never
// renames a healthy file because of it. Real better-sqlite3, real files, real dlopen errors.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptHistoryError, isSqliteDriverFailure, openDatabase, SqliteDriverError } from './open-database.js';

const require = createRequire(import.meta.url);
const nodeBuild = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);

function healthyHistory(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-open-db-'));
  const path = join(dir, 'history.sqlite');
  const db = openDatabase(path);
  db.exec('CREATE TABLE kept (n INTEGER); INSERT INTO kept VALUES (42)');
  db.close();
  return { dir, path };
}

/** A file named like a native module that the loader rejects (Linux: "invalid ELF header"). */
function notAModule(dir: string): string {
  const file = join(dir, 'better_sqlite3.node');
  writeFileSync(file, 'this is not a shared library');
  return file;
}

describe('openDatabase with a native binding', () => {
  it('opens with an explicit binding that matches this runtime', () => {
    const { path } = healthyHistory();
    const db = openDatabase(path, { nativeBinding: nodeBuild });
    expect(db.prepare('SELECT n FROM kept').get()).toEqual({ n: 42 });
    db.close();
  });

  it('reports a binding that does not load as a driver failure, not a damaged history', () => {
    const { dir, path } = healthyHistory();
    const binding = notAModule(dir);
    let thrown: unknown;
    try {
      openDatabase(path, { nativeBinding: binding });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SqliteDriverError);
    expect(thrown).not.toBeInstanceOf(CorruptHistoryError);
    expect((thrown as Error).message).toMatch(
      /SQLite driver \(better-sqlite3\) could not be loaded from .*better_sqlite3\.node/,
    );
    expect((thrown as Error).message).not.toMatch(/damaged/);
  });

  it('never renames a healthy history for --reset-history when the driver fails', () => {
    const { dir, path } = healthyHistory();
    expect(() => openDatabase(path, { nativeBinding: notAModule(dir), resetIfDamaged: true })).toThrow(
      SqliteDriverError,
    );
    expect(readdirSync(dir).filter((name) => name.includes('.damaged-'))).toEqual([]);
    const db = openDatabase(path);
    expect(db.prepare('SELECT n FROM kept').get()).toEqual({ n: 42 });
    db.close();
  });

  it('reports a binding path with no file as a driver failure', () => {
    const { dir, path } = healthyHistory();
    expect(() => openDatabase(path, { nativeBinding: join(dir, 'absent', 'better_sqlite3.node') })).toThrow(
      SqliteDriverError,
    );
    expect(existsSync(path)).toBe(true);
  });

  it('still reports a damaged file as damaged, with or without a binding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-open-db-'));
    const path = join(dir, 'history.sqlite');
    writeFileSync(path, 'x'.repeat(8192));
    expect(() => openDatabase(path, { nativeBinding: nodeBuild })).toThrow(CorruptHistoryError);
  });
});

describe('isSqliteDriverFailure', () => {
  it("recognises Node's ABI mismatch (the Node build loaded by Electron, or the reverse)", () => {
    // Node's text for a module built for another NODE_MODULE_VERSION (src/node_binding.cc).
    const error = Object.assign(
      new Error(
        "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
          'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\n' +
          'NODE_MODULE_VERSION 145. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).',
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    expect(isSqliteDriverFailure(error)).toBe(true);
  });

  it('recognises a missing build and leaves SQLite errors alone', () => {
    expect(isSqliteDriverFailure(new Error('Could not locate the bindings file. Tried: …'))).toBe(true);
    const notADb = Object.assign(new Error('file is not a database'), { name: 'SqliteError', code: 'SQLITE_NOTADB' });
    expect(isSqliteDriverFailure(notADb)).toBe(false);
    expect(isSqliteDriverFailure(new Error('database disk image is malformed'))).toBe(false);
    expect(isSqliteDriverFailure('NODE_MODULE_VERSION')).toBe(false);
  });
});

describe('the checkpoint thread with a native binding', () => {
  it('loads the binding it is given, and refuses to start on one that does not load', async () => {
    const { CheckpointThread } = await import('../../../common/node/sqlite/checkpoint-thread.js');
    const { dir, path } = healthyHistory();
    const thread = await CheckpointThread.start(path, () => {}, nodeBuild);
    await thread.close();
    await expect(CheckpointThread.start(path, () => {}, notAModule(dir))).rejects.toThrow(/better_sqlite3\.node/);
  });
});
