/**
 * The gateway's journal: every alert event gets the next sequence number and is written to
 * SQLite *before* anyone is sent it. Consoles resume from the journal; it keeps a replay
 * window bounded by age and count, and the current state of every alert for snapshots.
 */
import Database from 'better-sqlite3';
import type { AlertEvent, AlertState } from '../../main/core/protocol/alert.js';
import { reduceAlert } from '../../main/core/protocol/reduce.js';
import type { SinkEntry } from '../sources/sink.js';
import { migrate } from '../../main/core/store/migrate.js';
import { JOURNAL_MIGRATIONS } from './migrations.js';

export type JournalOptions = {
  path: string;
  /** Replay window: events older than this, or beyond this count, are trimmed. */
  maxEvents: number;
  maxAgeMs: number;
};

/** A journaled event with its seq. */
export type JournaledEvent = { seq: number; event: AlertEvent };

/** Events kept in memory so live fan-out to many consoles does not query SQLite per client. */
const RECENT_CAPACITY = 20_000;

export class Journal {
  private readonly db: Database.Database;
  private readonly recent: JournaledEvent[] = [];
  private lastSeq: number;
  private firstSeq: number;
  private readonly insertEvent;
  private readonly upsertState;
  private readonly getState;
  private readonly insertDedup;
  private readonly readAfterStmt;

  constructor(private readonly options: JournalOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, JOURNAL_MIGRATIONS, `the gateway journal ${options.path}`);
    this.insertEvent = this.db.prepare('INSERT INTO events (at, alert_id, frame) VALUES (?, ?, ?)');
    this.upsertState = this.db.prepare('INSERT INTO alert_state (alert_id, status, state) VALUES (?, ?, ?) ON CONFLICT(alert_id) DO UPDATE SET status = excluded.status, state = excluded.state');
    this.getState = this.db.prepare<[string], { state: string }>('SELECT state FROM alert_state WHERE alert_id = ?');
    this.insertDedup = this.db.prepare('INSERT OR IGNORE INTO dedup_keys (key, seq) VALUES (?, 0)');
    this.readAfterStmt = this.db.prepare<[number, number], { seq: number; frame: string }>('SELECT seq, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.lastSeq = (this.db.prepare('SELECT MAX(seq) AS last FROM events').get() as { last: number | null }).last ?? 0;
    this.firstSeq = (this.db.prepare('SELECT first_seq FROM window_floor').get() as { first_seq: number }).first_seq;
  }

  /** The oldest replayable seq and the newest seq. */
  bounds(): { first: number; last: number } {
    return { first: this.firstSeq, last: this.lastSeq };
  }

  /**
   * Append entries in one transaction. Returns the seq of each, or null for an entry whose
   * dedupKey was journaled before. Throws (and journals nothing) if the write fails.
   */
  append(entries: readonly SinkEntry[]): Array<number | null> {
    const journaled: JournaledEvent[] = [];
    const seqs = this.db.transaction(() =>
      entries.map((entry) => {
        if (entry.dedupKey !== undefined && this.insertDedup.run(entry.dedupKey).changes === 0) return null;
        const { event } = entry;
        const seq = Number(this.insertEvent.run(event.at, event.alertId, JSON.stringify(event)).lastInsertRowid);
        const state = reduceAlert(this.alertState(event.alertId), event, seq);
        if (state) this.upsertState.run(event.alertId, state.status, JSON.stringify(state));
        journaled.push({ seq, event });
        return seq;
      }),
    )();
    // Only after the commit: memory mirrors what is durable.
    for (const item of journaled) this.remember(item);
    return seqs;
  }

  /** Up to `limit` events after `seq`, in order. */
  readAfter(seq: number, limit: number): JournaledEvent[] {
    const oldestRecent = this.recent[0]?.seq;
    if (oldestRecent !== undefined && seq + 1 >= oldestRecent) {
      const start = seq + 1 - oldestRecent;
      return this.recent.slice(start, start + limit);
    }
    return this.readAfterStmt.all(seq, limit).map((row) => ({ seq: row.seq, event: JSON.parse(row.frame) as AlertEvent }));
  }

  /** The current state of one alert. */
  alertState(alertId: string): AlertState | undefined {
    const row = this.getState.get(alertId);
    return row ? (JSON.parse(row.state) as AlertState) : undefined;
  }

  /** Every firing alert, for a snapshot. */
  firingAlerts(): AlertState[] {
    return (this.db.prepare("SELECT state FROM alert_state WHERE status = 'firing'").all() as Array<{ state: string }>).map(
      (row) => JSON.parse(row.state) as AlertState,
    );
  }

  /** The stored result of an action, for idempotent replays of the same action id. */
  actionResult(actionId: string): string | undefined {
    return (this.db.prepare('SELECT result FROM action_results WHERE action_id = ?').get(actionId) as { result: string } | undefined)?.result;
  }

  /** Remember an action's result under its idempotency key. */
  recordActionResult(actionId: string, result: string, at: number): void {
    this.db.prepare('INSERT OR IGNORE INTO action_results (action_id, result, at) VALUES (?, ?, ?)').run(actionId, result, at);
  }

  /** Drop events outside the replay window (by count and age) and stale resolved states. */
  trim(now: number): void {
    const byCount = this.lastSeq - this.options.maxEvents + 1;
    const byAge = (this.db.prepare('SELECT MIN(seq) AS seq FROM events WHERE at >= ?').get(now - this.options.maxAgeMs) as { seq: number | null }).seq ?? this.lastSeq + 1;
    const floor = Math.max(this.firstSeq, byCount, byAge);
    if (floor <= this.firstSeq) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE seq < ?').run(floor);
      this.db.prepare('UPDATE window_floor SET first_seq = ?').run(floor);
    })();
    this.firstSeq = floor;
  }

  close(): void {
    this.db.close();
  }

  private remember(item: JournaledEvent): void {
    this.lastSeq = item.seq;
    this.recent.push(item);
    // Trim in large steps so appends stay O(1) amortised.
    if (this.recent.length > RECENT_CAPACITY * 2) this.recent.splice(0, RECENT_CAPACITY);
  }
}
