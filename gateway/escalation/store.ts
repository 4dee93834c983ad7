/**
 * The escalation engine's rows in the journal's database (migration 4): ladders, their step
 * rows, used link nonces and the link secret. Every state change is one statement or one
 * transaction, so what is stored is always a state the engine can resume from.
 */
import type { Database } from 'better-sqlite3';
import type { ChannelName, FiredEvent, PlannedRow } from './ladder.js';

/** A step row as stored. */
export type StepRow = {
  id: number;
  ladder_id: number;
  alert_id: string;
  policy: string;
  step: number;
  person: string;
  channel: ChannelName;
  due_at: number;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'skipped' | 'unknown';
  attempts: number;
  last_error: string | null;
  sent_at: number | null;
};

/** Reads and writes the escalation tables. */
export class EscalationStore {
  constructor(private readonly db: Database) {}

  /** The secret made by the migration, for when the configuration gives none. */
  linkSecret(): string {
    return (this.db.prepare('SELECT secret FROM escalation_secret').get() as { secret: string }).secret;
  }

  /** Whether the alert has a ladder that is running or was stopped by an acknowledgement. */
  hasLadder(alertId: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM escalation_ladders WHERE alert_id = ? AND state IN ('active', 'stopped')")
        .get(alertId) !== undefined
    );
  }

  /** Store a new ladder and its rows (skipped rows already skipped) in one transaction. */
  startLadder(fired: FiredEvent, policy: string, rows: readonly PlannedRow[]): number {
    return this.db.transaction(() => {
      const ladder = this.db
        .prepare(
          "INSERT INTO escalation_ladders (alert_id, policy, fired_at, event, state) VALUES (?, ?, ?, ?, 'active')",
        )
        .run(fired.alertId, policy, fired.at, JSON.stringify(fired)).lastInsertRowid as number;
      const insert = this.db.prepare(
        'INSERT INTO escalation_steps (ladder_id, alert_id, policy, step, person, channel, due_at, state, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const row of rows) {
        insert.run(
          ladder,
          fired.alertId,
          policy,
          row.step,
          row.person,
          row.channel,
          row.dueAt,
          row.skip ? 'skipped' : 'pending',
          row.skip ?? null,
        );
      }
      return ladder;
    })();
  }

  /** Stop the alert's ladders (`stopped` on acknowledgement, `ended` on resolution), cancelling pending rows; how many rows were cancelled. */
  stopLadders(alertId: string, state: 'stopped' | 'ended'): number {
    return this.db.transaction(() => {
      this.db
        .prepare("UPDATE escalation_ladders SET state = ? WHERE alert_id = ? AND state IN ('active', 'stopped')")
        .run(state, alertId);
      return this.db
        .prepare("UPDATE escalation_steps SET state = 'cancelled' WHERE alert_id = ? AND state = 'pending'")
        .run(alertId).changes;
    })();
  }

  /** Whether the ladder is still running. */
  isActive(ladderId: number): boolean {
    return (
      this.db.prepare("SELECT 1 FROM escalation_ladders WHERE id = ? AND state = 'active'").get(ladderId) !== undefined
    );
  }

  /** The fired event a ladder escalates. */
  firedEvent(ladderId: number): FiredEvent {
    const { event } = this.db.prepare('SELECT event FROM escalation_ladders WHERE id = ?').get(ladderId) as {
      event: string;
    };
    return JSON.parse(event) as FiredEvent;
  }

  /** Pending rows due by `now`, oldest first. */
  due(now: number): StepRow[] {
    return this.db
      .prepare("SELECT * FROM escalation_steps WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id")
      .all(now) as StepRow[];
  }

  /** Pending rows not yet due at `now`. */
  upcoming(now: number): StepRow[] {
    return this.db
      .prepare("SELECT * FROM escalation_steps WHERE state = 'pending' AND due_at > ? ORDER BY id")
      .all(now) as StepRow[];
  }

  /** Bring pending rows forward to `dueAt`. */
  bringForward(ids: readonly number[], dueAt: number): void {
    const update = this.db.prepare(
      "UPDATE escalation_steps SET due_at = ? WHERE id = ? AND state = 'pending' AND due_at > ?",
    );
    this.db.transaction(() => ids.forEach((id) => update.run(dueAt, id, dueAt)))();
  }

  /** When the next pending row is due, or null. */
  nextDueAt(): number | null {
    return (
      this.db.prepare("SELECT MIN(due_at) AS at FROM escalation_steps WHERE state = 'pending'").get() as {
        at: number | null;
      }
    ).at;
  }

  /** Move a pending row to `sending`; false when it is no longer pending (cancelled meanwhile). */
  claim(id: number): boolean {
    return (
      this.db
        .prepare(
          "UPDATE escalation_steps SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'pending'",
        )
        .run(id).changes === 1
    );
  }

  /** Record a row's final or next state. */
  settle(id: number, state: 'sent' | 'failed' | 'skipped' | 'cancelled', at: number, error?: string): void {
    this.db
      .prepare('UPDATE escalation_steps SET state = ?, sent_at = ?, last_error = COALESCE(?, last_error) WHERE id = ?')
      .run(state, state === 'sent' ? at : null, error ?? null, id);
  }

  /** Put a failed row back to pending, due again at `dueAt`. */
  retryAt(id: number, dueAt: number, error: string): void {
    this.db
      .prepare("UPDATE escalation_steps SET state = 'pending', due_at = ?, last_error = ? WHERE id = ?")
      .run(dueAt, error, id);
  }

  /** Take on what the cluster recorded of a row (another gateway sent, skipped or retried it). */
  adopt(
    id: number,
    record: { state: StepRow['state']; attempts: number; dueAt?: number; at: number; error?: string },
  ): void {
    this.db
      .prepare(
        'UPDATE escalation_steps SET state = ?, attempts = ?, due_at = COALESCE(?, due_at), sent_at = ?, last_error = COALESCE(?, last_error) WHERE id = ?',
      )
      .run(
        record.state,
        record.attempts,
        record.dueAt ?? null,
        record.state === 'sent' ? record.at : null,
        record.error ?? null,
        id,
      );
  }

  /** Rows a previous run left `sending`: marked `unknown` (maybe delivered, never resent) and returned. */
  recoverSending(): StepRow[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare("SELECT * FROM escalation_steps WHERE state = 'sending'").all() as StepRow[];
      this.db.prepare("UPDATE escalation_steps SET state = 'unknown' WHERE state = 'sending'").run();
      return rows;
    })();
  }

  /** Every row of an alert, in order (for tests and diagnosis). */
  rows(alertId: string): StepRow[] {
    return this.db.prepare('SELECT * FROM escalation_steps WHERE alert_id = ? ORDER BY id').all(alertId) as StepRow[];
  }

  /** Record a link nonce as used; false when it already was. Expired nonces are forgotten first. */
  useNonce(nonce: string, now: number, expiresAt: number): boolean {
    this.db.prepare('DELETE FROM escalation_link_nonces WHERE expires_at < ?').run(now);
    return (
      this.db.prepare('INSERT OR IGNORE INTO escalation_link_nonces VALUES (?, ?, ?)').run(nonce, now, expiresAt)
        .changes === 1
    );
  }

  /** Forget a nonce whose acknowledgement failed, so the link can be tried again. */
  releaseNonce(nonce: string): void {
    this.db.prepare('DELETE FROM escalation_link_nonces WHERE nonce = ?').run(nonce);
  }
}
