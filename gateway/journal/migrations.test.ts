import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/store/migrate.js';
import { JOURNAL_MIGRATIONS } from './migrations.js';

describe('journal migrations', () => {
  it('1 creates the STRICT journal tables and a replay-window floor of 1', () => {
    const db = new Database(':memory:');
    migrate(db, JOURNAL_MIGRATIONS, 'test journal');
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(['action_results', 'alert_state', 'dedup_keys', 'events', 'window_floor']);
    expect(db.prepare('SELECT first_seq FROM window_floor').get()).toEqual({ first_seq: 1 });
    expect(() => db.prepare('INSERT INTO window_floor VALUES (2, 5)').run()).toThrow(/CHECK constraint/);
  });
});
