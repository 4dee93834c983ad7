/**
 * The console history's schema as numbered migrations (each has a test in migrations.test.ts).
 * `PRAGMA user_version` records how far a database has come. Never edit a shipped migration.
 */
import type { Database } from 'better-sqlite3';

export const HISTORY_MIGRATIONS: ReadonlyArray<(db: Database) => void> = [
  // 1: every event received (exactly once per feed and seq), the current state of every
  //    alert, the resume cursor per feed, and recorded gaps.
  (db) =>
    db.exec(`
      CREATE TABLE events (
        feed_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        alert_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        by TEXT,
        comment TEXT,
        PRIMARY KEY (feed_id, seq)
      ) STRICT;
      CREATE INDEX events_alert ON events(feed_id, alert_id, seq);
      CREATE TABLE alerts (
        feed_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        labels TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        category TEXT NOT NULL,
        host TEXT,
        status TEXT NOT NULL,
        acknowledged INTEGER NOT NULL,
        first_seq INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        UNIQUE (feed_id, alert_id)
      ) STRICT;
      CREATE INDEX alerts_active ON alerts(status, updated_at DESC);
      CREATE INDEX alerts_updated ON alerts(updated_at DESC);
      CREATE TABLE cursors (feed_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT;
      CREATE TABLE gaps (feed_id TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;
    `),
  // 2: full-text search over title, body and labels (external content: the text is stored once).
  (db) =>
    db.exec(`
      CREATE VIRTUAL TABLE alerts_fts USING fts5(title, body, labels, content='alerts', content_rowid='rowid');
      INSERT INTO alerts_fts(rowid, title, body, labels) SELECT rowid, title, body, labels FROM alerts;
      CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
        INSERT INTO alerts_fts(rowid, title, body, labels) VALUES (new.rowid, new.title, new.body, new.labels);
      END;
      CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
        INSERT INTO alerts_fts(alerts_fts, rowid, title, body, labels) VALUES ('delete', old.rowid, old.title, old.body, old.labels);
      END;
      CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, body, labels ON alerts BEGIN
        INSERT INTO alerts_fts(alerts_fts, rowid, title, body, labels) VALUES ('delete', old.rowid, old.title, old.body, old.labels);
        INSERT INTO alerts_fts(rowid, title, body, labels) VALUES (new.rowid, new.title, new.body, new.labels);
      END;
    `),
  // 3: native notifications shown, for the alert's timeline ("notified").
  (db) =>
    db.exec(
      'CREATE TABLE notifications (feed_id TEXT NOT NULL, alert_id TEXT NOT NULL, at INTEGER NOT NULL) STRICT; CREATE INDEX notifications_alert ON notifications(feed_id, alert_id);',
    ),
  // 4: per-minute counts of alerts fired, kept up to date on commit (charts never scan history).
  (db) =>
    db.exec(`
      CREATE TABLE minute_counts (
        minute INTEGER NOT NULL,
        severity TEXT NOT NULL,
        category TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (minute, severity, category)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO minute_counts (minute, severity, category, n)
        SELECT e.at / 60000 * 60000, a.severity, a.category, COUNT(*) FROM events e
        JOIN alerts a ON a.feed_id = e.feed_id AND a.alert_id = e.alert_id
        WHERE e.kind = 'fired' GROUP BY 1, 2, 3;
    `),
  // 5: operators search by host name too: rebuild the full-text index with the host column.
  (db) =>
    db.exec(`
      DROP TRIGGER alerts_fts_insert; DROP TRIGGER alerts_fts_delete; DROP TRIGGER alerts_fts_update;
      DROP TABLE alerts_fts;
      CREATE VIRTUAL TABLE alerts_fts USING fts5(title, body, labels, host, content='alerts', content_rowid='rowid');
      INSERT INTO alerts_fts(alerts_fts) VALUES ('rebuild');
      CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
        INSERT INTO alerts_fts(rowid, title, body, labels, host) VALUES (new.rowid, new.title, new.body, new.labels, new.host);
      END;
      CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
        INSERT INTO alerts_fts(alerts_fts, rowid, title, body, labels, host) VALUES ('delete', old.rowid, old.title, old.body, old.labels, old.host);
      END;
      CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, body, labels, host ON alerts BEGIN
        INSERT INTO alerts_fts(alerts_fts, rowid, title, body, labels, host) VALUES ('delete', old.rowid, old.title, old.body, old.labels, old.host);
        INSERT INTO alerts_fts(rowid, title, body, labels, host) VALUES (new.rowid, new.title, new.body, new.labels, new.host);
      END;
    `),
  // 6: metric history for the dashboards' 5 min / 1 h / 24 h windows, downsampled on the way in
  //    to one row per series per 10 s (count, sum, min, max, last), so a day of 100 series is
  //    about 864,000 small rows, pruned by age. Series metadata is kept once per series.
  (db) =>
    db.exec(`
      CREATE TABLE metric_series (
        series TEXT PRIMARY KEY,
        metric TEXT NOT NULL,
        host TEXT,
        service TEXT,
        unit TEXT,
        last_t INTEGER NOT NULL,
        last_value REAL NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE metric_buckets (
        series TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        last REAL NOT NULL,
        PRIMARY KEY (series, bucket)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX metric_buckets_age ON metric_buckets(bucket);
    `),
  // 7: history filters answered from one covering index (time, severity, category, status,
  //    acknowledged, source): on a 1,000,000-alert history a day's range with severity and
  //    category filters no longer reads each candidate row. It replaces alerts_updated.
  (db) =>
    db.exec(`
      CREATE INDEX alerts_filter ON alerts(updated_at, severity, category, status, acknowledged, source);
      DROP INDEX alerts_updated;
    `),
  // 8: the full-text index is rewritten only when an alert's text changes. The update trigger
  //    fired for every upsert (acknowledged, resolved, fired again with the same text), deleting
  //    and re-inserting the same terms: most of the commit's cost for events that change no text.
  (db) =>
    db.exec(`
      DROP TRIGGER alerts_fts_update;
      CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, body, labels, host ON alerts
      WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.labels IS NOT new.labels OR old.host IS NOT new.host
      BEGIN
        INSERT INTO alerts_fts(alerts_fts, rowid, title, body, labels, host) VALUES ('delete', old.rowid, old.title, old.body, old.labels, old.host);
        INSERT INTO alerts_fts(rowid, title, body, labels, host) VALUES (new.rowid, new.title, new.body, new.labels, new.host);
      END;
    `),
  // 9: full-text indexing leaves the commit. A commit only notes which alerts' text is new
  //    (fts_pending); FtsIndexer indexes them in batches a moment later, and every text query
  //    catches up first, so searches never miss an alert. Indexed in a commit of ten events,
  //    FTS5 wrote a segment per commit and merged them constantly (most of a commit's time at
  //    10,000 events/s, and its longest stalls). The index is contentless with deletes by rowid,
  //    so a deferred re-index needs no copy of the text it replaces.
  (db) =>
    db.exec(`
      DROP TRIGGER alerts_fts_insert; DROP TRIGGER alerts_fts_delete; DROP TRIGGER alerts_fts_update;
      DROP TABLE alerts_fts;
      CREATE VIRTUAL TABLE alerts_fts USING fts5(title, body, labels, host, content='', contentless_delete=1);
      -- Merge a segment for its deletions only once half of it is deleted (the default, 10%, had
      -- FTS5 rewriting segments on almost every re-index of changed text: 7x the indexing time,
      -- slices of 100-140 ms). Ordinary automerges still clear deletions as segments grow.
      INSERT INTO alerts_fts(alerts_fts, rank) VALUES ('deletemerge', 50);
      INSERT INTO alerts_fts(rowid, title, body, labels, host) SELECT rowid, title, body, labels, host FROM alerts;
      CREATE TABLE fts_pending (alert_rowid INTEGER PRIMARY KEY) STRICT;
      -- Not INSERT OR IGNORE: inside a trigger the outer statement's conflict policy (the upsert's) wins.
      CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
        INSERT INTO fts_pending (alert_rowid) SELECT new.rowid WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE alert_rowid = new.rowid);
      END;
      CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, body, labels, host ON alerts
      WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.labels IS NOT new.labels OR old.host IS NOT new.host
      BEGIN
        INSERT INTO fts_pending (alert_rowid) SELECT new.rowid WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE alert_rowid = new.rowid);
      END;
      CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
        DELETE FROM alerts_fts WHERE rowid = old.rowid;
        DELETE FROM fts_pending WHERE alert_rowid = old.rowid;
      END;
    `),
  // 10: a feed's seqs can start again (its gateway's journal deleted, replaced or restored from a
  //     backup). The console stores a feed's events at gateway seq + base, so a new journal's seqs
  //     continue the history instead of colliding with the old ones, and remembers the journal's
  //     identity to notice the change (FeedClient, on welcome).
  (db) =>
    db.exec(`
      ALTER TABLE cursors ADD COLUMN base INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE cursors ADD COLUMN journal_id TEXT;
    `),
];
