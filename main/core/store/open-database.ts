/**
 * Opening the history database safely. A corrupted or half-written file is detected at
 * start-up and reported with its path and a way out; it is never silently recreated over
 * the user's history. A native module that cannot be loaded (built for another runtime's ABI,
 * missing, wrong architecture) is reported as what it is: the file was never read, so it is
 * neither called damaged nor renamed by `--reset-history`.
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';

/** Thrown when the history file exists but is not a healthy SQLite database. */
export class CorruptHistoryError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      `the alert history ${path} is damaged (${detail}). Tocsin has not touched it. ` +
        `To keep it for recovery and start a fresh history, move it aside (or start with --reset-history, which renames it to ${path}.damaged-<time>).`,
    );
  }
}

/** The words every SqliteDriverError message starts with (the shell's start-up dialog keys on them). */
export const SQLITE_DRIVER_FAILURE = 'the SQLite driver (better-sqlite3) could not be loaded';

/** Thrown when better-sqlite3's native module does not load: no database was opened or touched. */
export class SqliteDriverError extends Error {
  constructor(detail: string, binding: string | undefined) {
    super(
      `${SQLITE_DRIVER_FAILURE}${binding ? ` from ${binding}` : ''}: ${detail.replace(/\s+/g, ' ').trim()}. ` +
        'The alert history was not opened and is untouched.',
    );
  }
}

/**
 * Whether an error from `new Database()` is the native module failing to load rather than the
 * file. Node reports dlopen failures with code ERR_DLOPEN_FAILED (NODE_MODULE_VERSION mismatch,
 * "invalid ELF header", "wrong ELF class", "not a valid Win32 application", macOS "incompatible
 * architecture"); a missing `nativeBinding` file is MODULE_NOT_FOUND; the `bindings` package
 * says "Could not locate the bindings file" when no build exists. SQLite's own errors
 * (SqliteError: SQLITE_NOTADB, SQLITE_CORRUPT…) never match.
 */
export function isSqliteDriverFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'SqliteError') return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_DLOPEN_FAILED') return true;
  if (code === 'MODULE_NOT_FOUND' && /better_sqlite3|\.node\b/.test(error.message)) return true;
  return /NODE_MODULE_VERSION|Could not locate the bindings file|invalid ELF header|wrong ELF class|not a valid Win32 application|incompatible architecture|wrong architecture|did not self-register/.test(
    error.message,
  );
}

/** How to open the history. */
export type OpenDatabaseOptions = {
  /** Move a damaged file aside and start fresh (only on the user's explicit request). */
  resetIfDamaged?: boolean;
  /**
   * better-sqlite3's `nativeBinding`: the path of a `better_sqlite3.node` to load instead of the
   * one in node_modules (Electron from source loads its own build: docs/native-modules.md).
   */
  nativeBinding?: string;
};

/** Open (or create) a SQLite file with WAL, after checking an existing file's integrity. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  const existed = existsSync(path);
  let db: Database.Database | null = null;
  try {
    db = new Database(path, options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding });
    if (existed) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(String(check));
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    // Before anything else: a driver that does not load says nothing about the file.
    if (isSqliteDriverFailure(error)) throw new SqliteDriverError((error as Error).message, options.nativeBinding);
    const detail = (error as Error).message;
    if (existed && options.resetIfDamaged) {
      renameSync(path, `${path}.damaged-${Date.now()}`);
      return openDatabase(path, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    }
    if (existed) throw new CorruptHistoryError(path, detail);
    throw new Error(`cannot create the alert history ${path}: ${detail}`);
  }
}
