/** Each numbered migration of the history, tested on its own and from every earlier version. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../common/node/sqlite/migrate.js';
import { HISTORY_MIGRATIONS } from './migrations.js';

const upTo = (n: number) => {
  const db = new Database(':memory:');
  migrate(db, HISTORY_MIGRATIONS.slice(0, n), 'test history');
  return db;
};
const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as Array<{ name: string }>
  ).map((r) => r.name);

describe('history migrations', () => {
  it('1 creates STRICT events, alerts, cursors and gaps, with (feed_id, seq) unique', () => {
    const db = upTo(1);
    expect(tables(db)).toEqual(['alerts', 'cursors', 'events', 'gaps']);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql).toMatch(
      /STRICT/,
    );
    db.prepare("INSERT INTO events VALUES ('f', 1, 0, 'a', 'fired', NULL, NULL)").run();
    expect(db.prepare("INSERT OR IGNORE INTO events VALUES ('f', 1, 0, 'a', 'fired', NULL, NULL)").run().changes).toBe(
      0,
    );
    expect(() => db.prepare("INSERT INTO events VALUES ('f', 'two', 0, 'a', 'fired', NULL, NULL)").run()).toThrow(
      /cannot store TEXT value in INTEGER column/,
    );
  });

  it('2 adds FTS5 over title, body and labels, indexing rows that existed before it', () => {
    const db = upTo(1);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a1', 's', 'Disk full', 'on /var', '{\"team\":\"storage\"}', 'high', 2, 'outage', 'db-01', 'firing', 0, 1, 1, '{}')",
    ).run();
    migrate(db, HISTORY_MIGRATIONS.slice(0, 2), 'test history');
    const match = (q: string) => db.prepare('SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?').all(q).length;
    expect([match('disk'), match('storage'), match('var')]).toEqual([1, 1, 1]);
    db.prepare("UPDATE alerts SET title = 'Memory pressure' WHERE alert_id = 'a1'").run();
    expect([match('disk'), match('memory')]).toEqual([0, 1]);
    db.prepare("DELETE FROM alerts WHERE alert_id = 'a1'").run();
    expect(match('memory')).toBe(0);
  });

  it('3 adds the notifications table for "notified" timeline entries', () => {
    const db = upTo(3);
    expect(tables(db)).toContain('notifications');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
  });

  it('4 adds the per-minute rollup, seeded from the history that existed before it', () => {
    const db = upTo(3);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a1', 's', 't', 'b', '{}', 'high', 2, 'outage', NULL, 'firing', 0, 1, 1, '{}')",
    ).run();
    db.prepare(
      "INSERT INTO events VALUES ('f', 1, 120500, 'a1', 'fired', NULL, NULL), ('f', 2, 130000, 'a1', 'acknowledged', 'ann', NULL)",
    ).run();
    migrate(db, HISTORY_MIGRATIONS.slice(0, 4), 'test history');
    expect(db.prepare('SELECT * FROM minute_counts').all()).toEqual([
      { minute: 120000, severity: 'high', category: 'outage', n: 1 },
    ]);
  });

  it('5 indexes the host, including rows that existed before it', () => {
    const db = upTo(4);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a1', 's', 'Disk full', 'b', '{}', 'high', 2, 'outage', 'bastion-01', 'firing', 0, 1, 1, '{}')",
    ).run();
    migrate(db, HISTORY_MIGRATIONS.slice(0, 5), 'test history');
    const match = (q: string) => db.prepare('SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?').all(q).length;
    expect(match('bastion')).toBe(1);
    db.prepare("UPDATE alerts SET host = 'web-07' WHERE alert_id = 'a1'").run();
    expect([match('bastion'), match('web')]).toEqual([0, 1]);
  });

  it('6 adds the downsampled metric history: one STRICT row per series per bucket', () => {
    const db = upTo(6);
    expect(tables(db)).toEqual(expect.arrayContaining(['metric_buckets', 'metric_series']));
    db.prepare("INSERT INTO metric_buckets VALUES ('web-01/cpu', 10000, 1, 5, 5, 5, 5)").run();
    expect(() => db.prepare("INSERT INTO metric_buckets VALUES ('web-01/cpu', 10000, 1, 5, 5, 5, 5)").run()).toThrow(
      /UNIQUE/,
    );
    expect(() => db.prepare("INSERT INTO metric_buckets VALUES ('web-01/cpu', 'ten', 1, 5, 5, 5, 5)").run()).toThrow(
      /cannot store TEXT value/,
    );
  });

  it('7 replaces the time index with a covering filter index that the history queries use', () => {
    const db = upTo(7);
    const indexes = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts'").all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    expect(indexes).toContain('alerts_filter');
    expect(indexes).not.toContain('alerts_updated');
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM alerts WHERE updated_at >= 1 AND updated_at <= 2 AND severity IN ('high') AND category IN ('security')",
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join()).toMatch(/COVERING INDEX alerts_filter/);
  });

  it('8 rewrites the full-text index only when the text changes', () => {
    const before = upTo(7); // the trigger before it re-indexed every upsert
    before
      .prepare(
        "INSERT INTO alerts VALUES ('f', 'a1', 's', 'Disk full', 'b', '{}', 'high', 2, 'outage', 'bastion-01', 'firing', 0, 1, 1, '{}')",
      )
      .run();
    expect(
      before.prepare("UPDATE alerts SET title = 'Disk full', acknowledged = 1 WHERE alert_id = 'a1'").run().changes,
    ).toBe(1);
    expect((before.prepare('SELECT total_changes() AS n').get() as { n: number }).n).toBeGreaterThan(2);
    const db = upTo(8);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a1', 's', 'Disk full', 'b', '{}', 'high', 2, 'outage', 'bastion-01', 'firing', 0, 1, 1, '{}')",
    ).run();
    const match = (q: string) => db.prepare('SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?').all(q).length;
    const changesBy = (sql: string) => {
      const before = db.prepare('SELECT total_changes() AS n').get() as { n: number };
      db.prepare(sql).run();
      return (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n - before.n;
    };
    // Acknowledged: the row changes, the index is not touched.
    expect(
      changesBy(
        "UPDATE alerts SET title = 'Disk full', body = 'b', labels = '{}', host = 'bastion-01', acknowledged = 1 WHERE alert_id = 'a1'",
      ),
    ).toBe(1);
    expect(match('disk')).toBe(1);
    // New text: the index follows.
    expect(changesBy("UPDATE alerts SET body = 'inode exhaustion' WHERE alert_id = 'a1'")).toBeGreaterThan(1);
    expect([match('inode'), match('disk')]).toEqual([1, 1]);
    db.prepare("UPDATE alerts SET title = 'Memory pressure' WHERE alert_id = 'a1'").run();
    expect(match('disk')).toBe(0);
    expect(() => db.prepare("INSERT INTO alerts_fts(alerts_fts) VALUES ('integrity-check')").run()).not.toThrow();
  });

  it('9 moves full-text indexing out of the commit: existing rows indexed, new text pending until the indexer runs', () => {
    const db = upTo(8);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a1', 's', 'Disk full', 'b', '{}', 'high', 2, 'outage', 'db-01', 'firing', 0, 1, 1, '{}')",
    ).run();
    migrate(db, HISTORY_MIGRATIONS.slice(0, 9), 'test history');
    const match = (q: string) => db.prepare('SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?').all(q).length;
    const pending = () =>
      (db.prepare('SELECT alert_rowid FROM fts_pending').all() as Array<{ alert_rowid: number }>).map(
        (r) => r.alert_rowid,
      );
    expect(match('disk')).toBe(1); // indexed by the migration
    expect(pending()).toEqual([]);
    db.prepare(
      "INSERT INTO alerts VALUES ('f', 'a2', 's', 'Memory pressure', 'b', '{}', 'high', 2, 'outage', 'db-02', 'firing', 0, 2, 2, '{}')",
    ).run();
    db.prepare("UPDATE alerts SET acknowledged = 1 WHERE alert_id = 'a1'").run(); // no text change: nothing to index
    db.prepare("UPDATE alerts SET body = 'inode exhaustion' WHERE alert_id = 'a1'").run();
    expect(pending()).toEqual([1, 2]);
    expect(match('memory')).toBe(0); // not yet: the commit no longer indexes
    db.prepare("DELETE FROM alerts WHERE alert_id = 'a2'").run();
    expect(pending()).toEqual([1]); // a deleted alert leaves nothing to index
    expect(() => db.prepare("INSERT INTO alerts_fts(alerts_fts) VALUES ('integrity-check')").run()).not.toThrow();
  });

  it('10 gives each feed a seq base and the identity of its journal, 0 and unknown for feeds from before it', () => {
    const db = upTo(9);
    db.prepare("INSERT INTO cursors VALUES ('f', 42)").run();
    migrate(db, HISTORY_MIGRATIONS.slice(0, 10), 'test history');
    expect(db.prepare('SELECT * FROM cursors').all()).toEqual([{ feed_id: 'f', seq: 42, base: 0, journal_id: null }]);
  });

  it('refuses a history written by a newer Tocsin', () => {
    const db = upTo(HISTORY_MIGRATIONS.length);
    db.pragma('user_version = 99');
    expect(() => migrate(db, HISTORY_MIGRATIONS, 'the alert history')).toThrow(
      `schema version 99, newer than this Tocsin understands (${HISTORY_MIGRATIONS.length})`,
    );
  });
});
