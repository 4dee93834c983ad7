import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../common/node/sqlite/migrate.js';
import { JOURNAL_MIGRATIONS } from './migrations.js';

describe('journal migrations', () => {
  it('1 creates the STRICT journal tables and a replay-window floor of 1', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 1), 'test journal');
    const names = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    ).map((r) => r.name);
    expect(names).toEqual(['action_results', 'alert_state', 'dedup_keys', 'events', 'window_floor']);
    expect(db.prepare('SELECT first_seq FROM window_floor').get()).toEqual({ first_seq: 1 });
    expect(() => db.prepare('INSERT INTO window_floor VALUES (2, 5)').run()).toThrow(/CHECK constraint/);
  });

  it('2 gives dedup keys a time, dating keys journaled before it to the migration', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 1), 'test journal');
    db.prepare("INSERT INTO dedup_keys (key, seq) VALUES ('k', 0)").run();
    const before = Date.now() - 1_000;
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 2), 'test journal');
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const { at } = db.prepare("SELECT at FROM dedup_keys WHERE key = 'k'").get() as { at: number };
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(() => db.prepare("INSERT INTO dedup_keys (key, seq, at) VALUES ('k2', 0, 'soon')").run()).toThrow(
      /cannot store TEXT/,
    );
  });

  it('3 gives a journal, new or upgraded, an identity of its own', () => {
    const journal = () => {
      const db = new Database(':memory:');
      migrate(db, JOURNAL_MIGRATIONS.slice(0, 2), 'test journal');
      migrate(db, JOURNAL_MIGRATIONS, 'test journal');
      return (db.prepare('SELECT journal_id FROM journal_identity').get() as { journal_id: string }).journal_id;
    };
    const [a, b] = [journal(), journal()];
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).not.toBe(a);
  });
  it('4 adds durable escalation steps, single-use link nonces and a link secret of its own', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 3), 'test journal');
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 4), 'test journal');
    const { secret } = db.prepare('SELECT secret FROM escalation_secret').get() as { secret: string };
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    db.prepare("INSERT INTO escalation_ladders VALUES (1, 'a', 'p', 0, '{}', 'active')").run();
    const step = db.prepare(
      "INSERT INTO escalation_steps (ladder_id, alert_id, policy, step, person, channel, due_at, state) VALUES (1, 'a', 'p', 0, 'ann', ?, 5, ?)",
    );
    step.run('email', 'pending');
    expect(() => step.run('email', 'pending')).toThrow(/UNIQUE/);
    expect(() => step.run('webhook', 'lost')).toThrow(/CHECK constraint/);
    expect(() => step.run('pigeon', 'pending')).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO escalation_link_nonces VALUES ('n', 1, 2)").run();
    expect(() => db.prepare("INSERT INTO escalation_link_nonces VALUES ('n', 3, 4)").run()).toThrow(/UNIQUE/);
  });

  it('5 lets steps go by push, keeping the rows of 4, and adds push subscriptions and the VAPID keys', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS.slice(0, 4), 'test journal');
    db.prepare("INSERT INTO escalation_ladders VALUES (1, 'a', 'p', 0, '{}', 'active')").run();
    db.prepare(
      "INSERT INTO escalation_steps (ladder_id, alert_id, policy, step, person, channel, due_at, state) VALUES (1, 'a', 'p', 0, 'ann', 'email', 5, 'sent')",
    ).run();
    migrate(db, JOURNAL_MIGRATIONS, 'test journal');
    expect(db.prepare('SELECT person, channel, state FROM escalation_steps').all()).toEqual([
      { person: 'ann', channel: 'email', state: 'sent' },
    ]);
    const step = db.prepare(
      "INSERT INTO escalation_steps (ladder_id, alert_id, policy, step, person, channel, due_at, state) VALUES (1, 'a', 'p', 1, 'ann', ?, 5, 'pending')",
    );
    step.run('push');
    expect(() => step.run('pigeon')).toThrow(/CHECK constraint/);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'escalation_steps'")
      .all();
    expect(indexes).toContainEqual({ name: 'escalation_steps_due' });
    expect(indexes).toContainEqual({ name: 'escalation_steps_alert' });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN UPDATE escalation_steps SET state = 'cancelled' WHERE alert_id = ? AND state = 'pending'",
      )
      .all('a') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join()).toMatch(/USING INDEX escalation_steps_alert/);
    db.prepare(
      "INSERT INTO push_subscriptions (endpoint, person, device, p256dh, auth, created_at) VALUES ('https://p/1', 'ann', 'laptop', 'k', 'a', 1)",
    ).run();
    expect(() => db.prepare("INSERT INTO push_vapid VALUES (2, 'pub', 'priv')").run()).toThrow(/CHECK constraint/);
  });
});
