/**
 * The gateway's journal: every alert event gets the next sequence number and is written to
 * SQLite *before* anyone is sent it. Consoles resume from the journal; it keeps a replay
 * window bounded by age, count and size, and the current state of every alert for snapshots.
 * Each event is serialized once, as the text of its `event` frame, and sent as stored.
 */
import Database from 'better-sqlite3';
import type { AlertState } from '../../common/protocol/alert.js';
import { reduceAlert } from '../../common/protocol/reduce.js';
import type { SinkEntry } from '../sources/sink.js';
import type { Clock } from '../../common/clock.js';
import { migrate } from '../../common/node/sqlite/migrate.js';
import { WalCheckpoints } from '../../common/node/sqlite/wal-checkpoints.js';
import { JOURNAL_MIGRATIONS } from './migrations.js';
import type { JournaledFrame, JournalView } from './journal-port.js';

export type JournalOptions = {
  path: string;
  /** Replay window: events older than this, beyond this count, or beyond this size are trimmed. */
  maxEvents: number;
  maxAgeMs: number;
  /** Approximate bytes of event frames kept (default: unbounded by size). */
  maxBytes?: number;
  /** The identity to report instead of the file's own (a replica reports its stream's). */
  identity?: string;
  /** better-sqlite3's native module, when not the one Node would load (Electron loads its own build). */
  nativeBinding?: string;
};

export type { JournaledFrame } from './journal-port.js';

/** Events kept in memory so live fan-out to many consoles does not query SQLite per client. */
const RECENT_CAPACITY = 20_000;
/** Alert states kept in memory (most recently written), so appends rarely read SQLite. */
const STATE_CACHE_CAPACITY = 10_000;

/** The text of an `event` frame; the stored event JSON is spliced in, never re-serialized. */
export function eventFrameText(seq: number, eventJson: string): string {
  return `{"type":"event","stream":"alerts","seq":${seq},"event":${eventJson}}`;
}

/** The SQLite journal (synchronous); SqliteJournalBackend puts it behind the journal port. */
export class Journal implements JournalView {
  protected readonly db: Database.Database;
  private readonly recent: JournaledFrame[] = [];
  /** Committed alert states, newest last (a Map keeps insertion order: an LRU by write). */
  private readonly stateCache = new Map<string, AlertState | undefined>();
  protected lastSeq: number;
  protected firstSeq: number;
  /** This journal's identity (migration 3): the same for its whole life, different for any other journal. */
  readonly id: string;
  protected readonly statements;
  private checkpoints: WalCheckpoints | null = null;

  constructor(protected readonly options: JournalOptions) {
    this.db = new Database(
      options.path,
      options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding },
    );
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, JOURNAL_MIGRATIONS, `the gateway journal ${options.path}`);
    const db = this.db;
    this.statements = {
      insertEvent: db.prepare('INSERT INTO events (seq, at, alert_id, frame) VALUES (?, ?, ?, ?)'),
      upsertState: db.prepare(
        'INSERT INTO alert_state (alert_id, status, state) VALUES (?, ?, ?) ON CONFLICT(alert_id) DO UPDATE SET status = excluded.status, state = excluded.state',
      ),
      getState: db.prepare<[string], { state: string }>('SELECT state FROM alert_state WHERE alert_id = ?'),
      firing: db.prepare<[], { state: string }>("SELECT state FROM alert_state WHERE status = 'firing'"),
      insertDedup: db.prepare('INSERT OR IGNORE INTO dedup_keys (key, seq, at) VALUES (?, 0, ?)'),
      readAfter: db.prepare<[number, number], { seq: number; frame: string }>(
        'SELECT seq, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      getAction: db.prepare<[string], { result: string }>('SELECT result FROM action_results WHERE action_id = ?'),
      putAction: db.prepare('INSERT OR IGNORE INTO action_results (action_id, result, at) VALUES (?, ?, ?)'),
    };
    this.id =
      options.identity ??
      (db.prepare('SELECT journal_id FROM journal_identity').get() as { journal_id: string }).journal_id;
    this.firstSeq = (db.prepare('SELECT first_seq FROM window_floor').get() as { first_seq: number }).first_seq;
    // Seqs never go back: when a trim has emptied the window, the floor remembers where they were.
    const newest = (db.prepare('SELECT MAX(seq) AS last FROM events').get() as { last: number | null }).last;
    this.lastSeq = Math.max(newest ?? 0, this.firstSeq - 1);
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
    const journaled: JournaledFrame[] = [];
    const { insertDedup, insertEvent, upsertState } = this.statements;
    // States touched in this batch, so a burst on one alert reads SQLite once.
    const states = new Map<string, AlertState | undefined>();
    // Seqs are assigned here, not by SQLite's rowid, which would restart at 1 in an emptied table.
    let next = this.lastSeq;
    const seqs = this.db.transaction(() =>
      entries.map((entry) => {
        const { event } = entry;
        if (entry.dedupKey !== undefined && insertDedup.run(entry.dedupKey, event.at).changes === 0) return null;
        const json = JSON.stringify(event);
        const seq = ++next;
        insertEvent.run(seq, event.at, event.alertId, json);
        const before = states.has(event.alertId) ? states.get(event.alertId) : this.alertState(event.alertId);
        const state = reduceAlert(before, event, seq);
        states.set(event.alertId, state ?? before);
        if (state) upsertState.run(event.alertId, state.status, JSON.stringify(state));
        journaled.push({ seq, frame: eventFrameText(seq, json) });
        return seq;
      }),
    )();
    // Only after the commit: memory mirrors what is durable.
    for (const item of journaled) this.remember(item);
    this.checkpoints?.noteWrite(journaled.length);
    for (const [alertId, state] of states) this.cacheState(alertId, state);
    return seqs;
  }

  /** Up to `limit` event frames after `seq`, in order. */
  readAfter(seq: number, limit: number): JournaledFrame[] {
    const oldestRecent = this.recent[0]?.seq;
    if (oldestRecent !== undefined && seq + 1 >= oldestRecent) {
      const start = seq + 1 - oldestRecent;
      return this.recent.slice(start, start + limit);
    }
    return this.statements.readAfter
      .all(seq, limit)
      .map((row) => ({ seq: row.seq, frame: eventFrameText(row.seq, row.frame) }));
  }

  /** The current state of one alert (callers must not modify it). */
  alertState(alertId: string): AlertState | undefined {
    if (this.stateCache.has(alertId)) return this.stateCache.get(alertId);
    const row = this.statements.getState.get(alertId);
    const state = row ? (JSON.parse(row.state) as AlertState) : undefined;
    this.cacheState(alertId, state);
    return state;
  }

  /** Every firing alert, for a snapshot. */
  firingAlerts(): AlertState[] {
    return this.statements.firing.all().map((row) => JSON.parse(row.state) as AlertState);
  }

  /** The stored result of an action, for idempotent replays of the same action id. */
  actionResult(actionId: string): string | undefined {
    return this.statements.getAction.get(actionId)?.result;
  }

  /** Remember an action's result under its idempotency key. */
  recordActionResult(actionId: string, result: string, at: number): void {
    this.statements.putAction.run(actionId, result, at);
  }

  /**
   * Drop events outside the replay window (by count, age and approximate size), and dedup keys,
   * action results and resolved alert states older than the window's age: nothing grows forever.
   */
  trim(now: number): void {
    const cutoff = now - this.options.maxAgeMs;
    const byCount = this.lastSeq - this.options.maxEvents + 1;
    const byAge =
      (this.db.prepare('SELECT MIN(seq) AS seq FROM events WHERE at >= ?').get(cutoff) as { seq: number | null }).seq ??
      this.lastSeq + 1;
    const floor = Math.max(this.firstSeq, byCount, byAge, this.floorBySize());
    this.db.transaction(() => {
      if (floor > this.firstSeq) {
        this.db.prepare('DELETE FROM events WHERE seq < ?').run(floor);
        this.db.prepare('UPDATE window_floor SET first_seq = ?').run(floor);
      }
      this.db.prepare('DELETE FROM dedup_keys WHERE at < ?').run(cutoff);
      this.db.prepare('DELETE FROM action_results WHERE at < ?').run(cutoff);
      this.db
        .prepare("DELETE FROM alert_state WHERE status = 'resolved' AND json_extract(state, '$.updatedAt') < ?")
        .run(cutoff);
    })();
    this.stateCache.clear();
    this.firstSeq = Math.max(this.firstSeq, floor);
  }

  /**
   * Take WAL checkpoints away from appends (SQLite's automatic one ran inside an append every
   * 1,000 pages and held the event loop for tens of ms): the caller starts them, on a thread.
   */
  checkpointsOn(clock: Clock): WalCheckpoints {
    this.checkpoints = new WalCheckpoints(this.db, clock);
    return this.checkpoints;
  }

  close(): void {
    this.db.close();
  }

  /** The first seq to keep so the window fits maxBytes, estimated from the newest 1,000 frames. */
  private floorBySize(): number {
    if (this.options.maxBytes === undefined) return 0;
    const { avg } = this.db
      .prepare('SELECT AVG(length(frame)) AS avg FROM (SELECT frame FROM events ORDER BY seq DESC LIMIT 1000)')
      .get() as { avg: number | null };
    if (!avg) return 0;
    return this.lastSeq - Math.floor(this.options.maxBytes / avg) + 1;
  }

  protected cacheState(alertId: string, state: AlertState | undefined): void {
    this.stateCache.delete(alertId);
    this.stateCache.set(alertId, state);
    if (this.stateCache.size > STATE_CACHE_CAPACITY) this.stateCache.delete(this.stateCache.keys().next().value!);
  }

  protected remember(item: JournaledFrame): void {
    this.lastSeq = item.seq;
    this.recent.push(item);
    // Trim in large steps so appends stay O(1) amortised.
    if (this.recent.length > RECENT_CAPACITY * 2) this.recent.splice(0, RECENT_CAPACITY);
  }
}
