/**
 * The journal's schema, as numbered migrations applied in order inside one transaction each.
 * `PRAGMA user_version` records how far a database has come. Never edit a shipped migration:
 * add the next one.
 */
import type { Database } from 'better-sqlite3';

export const JOURNAL_MIGRATIONS: ReadonlyArray<(db: Database) => void> = [
  // 1: events in seq order, the current state of every alert, dedup keys, and action results.
  (db) =>
    db.exec(`
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        alert_id TEXT NOT NULL,
        frame TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_at ON events(at);
      CREATE TABLE alert_state (
        alert_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        state TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alert_state_status ON alert_state(status);
      CREATE TABLE dedup_keys (
        key TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE action_results (
        action_id TEXT PRIMARY KEY,
        result TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      -- The first seq still replayable after trimming; 1 until the window is first trimmed.
      CREATE TABLE window_floor (id INTEGER PRIMARY KEY CHECK (id = 1), first_seq INTEGER NOT NULL) STRICT;
      INSERT INTO window_floor VALUES (1, 1);
    `),
  // 2: dedup keys remember when they were journaled, so they can expire with the replay window
  // (the journal must stay bounded). Keys from before this migration count from now.
  (db) =>
    db.exec(`
      ALTER TABLE dedup_keys ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
      UPDATE dedup_keys SET at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
      CREATE INDEX dedup_keys_at ON dedup_keys(at);
      CREATE INDEX action_results_at ON action_results(at);
    `),
  // 3: the journal's identity, made once when it is created (or upgraded). Consoles remember it:
  // a different one behind the same URL (a journal deleted, replaced or restored from a backup)
  // means seqs started again, and a console must not take the new events for ones it has.
  (db) =>
    db.exec(`
      CREATE TABLE journal_identity (id INTEGER PRIMARY KEY CHECK (id = 1), journal_id TEXT NOT NULL) STRICT;
      INSERT INTO journal_identity VALUES (1, lower(hex(randomblob(16))));
    `),
  // 4: the escalation engine's durable state. A ladder is one alert's escalation under one
  // policy (with the fired event it escalates, so a restart can still write the message); its
  // steps are one row per person and channel, marked `sending` before a send and `sent` after,
  // so a restart never sends one twice. Used acknowledge-link nonces make links single-use, and
  // the link secret is made here once, so links stay valid across restarts without configuring it.
  (db) =>
    db.exec(`
      CREATE TABLE escalation_ladders (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL,
        policy TEXT NOT NULL,
        fired_at INTEGER NOT NULL,
        event TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'ended'))
      ) STRICT;
      CREATE INDEX escalation_ladders_alert ON escalation_ladders(alert_id, state);
      CREATE TABLE escalation_steps (
        id INTEGER PRIMARY KEY,
        ladder_id INTEGER NOT NULL REFERENCES escalation_ladders(id),
        alert_id TEXT NOT NULL,
        policy TEXT NOT NULL,
        step INTEGER NOT NULL,
        person TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
        due_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped', 'unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at INTEGER,
        UNIQUE (ladder_id, step, person, channel)
      ) STRICT;
      CREATE INDEX escalation_steps_due ON escalation_steps(state, due_at);
      CREATE TABLE escalation_link_nonces (
        nonce TEXT PRIMARY KEY,
        used_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE escalation_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL) STRICT;
      INSERT INTO escalation_secret VALUES (1, lower(hex(randomblob(32))));
    `),
  // 5: Web Push. Step rows may go by `push` (the table is rebuilt: SQLite cannot alter a CHECK,
  // and gains an index by alert, so an acknowledgement's cancel is a lookup, not a scan);
  // each person's browser and device subscriptions, with the time a push service asked us to
  // wait until (429 Retry-After); the gateway's VAPID key pair, made by the gateway at first start.
  (db) =>
    db.exec(`
      CREATE TABLE escalation_steps_v5 (
        id INTEGER PRIMARY KEY,
        ladder_id INTEGER NOT NULL REFERENCES escalation_ladders(id),
        alert_id TEXT NOT NULL,
        policy TEXT NOT NULL,
        step INTEGER NOT NULL,
        person TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'push')),
        due_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped', 'unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at INTEGER,
        UNIQUE (ladder_id, step, person, channel)
      ) STRICT;
      INSERT INTO escalation_steps_v5 SELECT * FROM escalation_steps;
      DROP TABLE escalation_steps;
      ALTER TABLE escalation_steps_v5 RENAME TO escalation_steps;
      CREATE INDEX escalation_steps_due ON escalation_steps(state, due_at);
      -- An acknowledgement cancels one alert's rows: without this, a scan of every open row.
      CREATE INDEX escalation_steps_alert ON escalation_steps(alert_id, state);
      CREATE TABLE push_subscriptions (
        endpoint TEXT PRIMARY KEY,
        person TEXT NOT NULL,
        device TEXT NOT NULL,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        wait_until INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX push_subscriptions_person ON push_subscriptions(person);
      CREATE TABLE push_vapid (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        public_key TEXT NOT NULL,
        private_key TEXT NOT NULL
      ) STRICT;
    `),
];
