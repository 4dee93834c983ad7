/** Applies numbered migrations (shared by the console history and the gateway journal). */
import type { Database } from 'better-sqlite3';

/** Bring `db` up to the newest migration, one transaction each; refuse a database from a newer Tocsin. */
export function migrate(db: Database, migrations: ReadonlyArray<(db: Database) => void>, what: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(
      `${what} has schema version ${version}, newer than this Tocsin understands (${migrations.length}); upgrade Tocsin`,
    );
  }
  for (let next = version; next < migrations.length; next++) {
    db.transaction(() => {
      migrations[next]!(db);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
