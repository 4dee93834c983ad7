/**
 * Opening the history database safely. A corrupted or half-written file is detected at
 * start-up and reported with its path and a way out; it is never silently recreated over
 * the user's history.
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

/** Open (or create) a SQLite file with WAL, after checking an existing file's integrity. */
export function openDatabase(path: string, options: { resetIfDamaged?: boolean } = {}): Database.Database {
  const existed = existsSync(path);
  let db: Database.Database | null = null;
  try {
    db = new Database(path);
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
    const detail = (error as Error).message;
    if (existed && options.resetIfDamaged) {
      renameSync(path, `${path}.damaged-${Date.now()}`);
      return openDatabase(path);
    }
    if (existed) throw new CorruptHistoryError(path, detail);
    throw new Error(`cannot create the alert history ${path}: ${detail}`);
  }
}
