/**
 * A gateway's local replica of a JetStream journal: the events of the stream, in stream order
 * and under their stream sequence, and the state of every alert, in a SQLite file of its own.
 * Feed sessions read it synchronously, exactly as they read the SQLite journal; the gateway
 * fills it by reading the stream (stream-reader.ts), whoever published the events.
 */
import type { AlertEvent, AlertState } from '../../../common/protocol/alert.js';
import { reduceAlert } from '../../../common/protocol/reduce.js';
import { eventFrameText, Journal } from '../journal.js';

/** One message read from the stream: its sequence, the event JSON, and its Nats-Msg-Id. */
export type StreamedEvent = { seq: number; json: string; dedupKey?: string };

/** The local replica: a SQLite journal whose seqs are the stream's and whose identity is the stream's. */
export class ReplicaJournal extends Journal {
  /**
   * Apply events read from the stream, in order, in one transaction. Events at or below the
   * newest applied seq are skipped (a reader that restarted); an alert state loaded from the KV
   * bucket that already includes an event is left as it is. Returns the alerts whose state changed.
   */
  apply(items: readonly StreamedEvent[]): Map<string, AlertState> {
    const changed = new Map<string, AlertState>();
    const { insertDedup, insertEvent, upsertState } = this.statements;
    const applied: Array<{ seq: number; frame: string }> = [];
    this.db.transaction(() => {
      for (const item of items) {
        if (item.seq <= this.lastSeq) continue;
        const event = JSON.parse(item.json) as AlertEvent;
        if (item.dedupKey !== undefined) insertDedup.run(item.dedupKey, event.at);
        insertEvent.run(item.seq, event.at, event.alertId, item.json);
        applied.push({ seq: item.seq, frame: eventFrameText(item.seq, item.json) });
        const before = changed.get(event.alertId) ?? this.alertState(event.alertId);
        if (before !== undefined && before.lastSeq >= item.seq) continue;
        const state = reduceAlert(before, event, item.seq);
        if (!state) continue;
        upsertState.run(event.alertId, state.status, JSON.stringify(state));
        changed.set(event.alertId, state);
      }
    })();
    for (const item of applied) this.remember(item);
    for (const [alertId, state] of changed) this.cacheState(alertId, state);
    return changed;
  }

  /** Resolved alerts whose state last changed before `cutoff` (what a trim forgets). */
  resolvedBefore(cutoff: number): AlertState[] {
    return (
      this.db
        .prepare("SELECT state FROM alert_state WHERE status = 'resolved' AND json_extract(state, '$.updatedAt') < ?")
        .all(cutoff) as Array<{ state: string }>
    ).map((row) => JSON.parse(row.state) as AlertState);
  }

  /** Whether an event with this dedup key (its Nats-Msg-Id) is in the replicated window. */
  hasDedupKey(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM dedup_keys WHERE key = ?').get(key) !== undefined;
  }

  /** Alert states kept in the KV bucket (alerts whose events may have left the stream). */
  loadStates(states: readonly AlertState[]): void {
    const { upsertState } = this.statements;
    this.db.transaction(() => {
      for (const state of states) upsertState.run(state.alertId, state.status, JSON.stringify(state));
    })();
    for (const state of states) this.cacheState(state.alertId, state);
  }

  /** The stream's first seq: events before it have left the stream, so they leave the replica too. */
  followFloor(first: number): void {
    if (first <= this.firstSeq) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE seq < ?').run(first);
      this.db.prepare('UPDATE window_floor SET first_seq = ?').run(first);
    })();
    this.firstSeq = first;
    this.lastSeq = Math.max(this.lastSeq, first - 1);
  }
}
