/**
 * How an alert's state follows from its events. One pure function, used by the gateway's
 * journal (snapshots) and the console's store (the board), so both agree on every state.
 */
import type { AlertEvent, AlertState } from './alert.js';

/** The state after `event` (seq `seq`), given the state before it; undefined if there is no alert yet. */
export function reduceAlert(before: AlertState | undefined, event: AlertEvent, seq: number): AlertState | undefined {
  if (event.kind === 'fired') {
    const refiring = before !== undefined && before.status === 'firing';
    return {
      alertId: event.alertId,
      source: event.source,
      ...event.alert,
      status: 'firing',
      // A repeat of a firing alert keeps its acknowledgement; a new episode starts clean.
      acknowledged: refiring ? before.acknowledged : null,
      snoozedUntil: refiring ? before.snoozedUntil : null,
      firstSeq: refiring ? before.firstSeq : seq,
      lastSeq: seq,
      updatedAt: event.at,
    };
  }
  if (before === undefined) return undefined;
  const next = { ...before, lastSeq: seq, updatedAt: event.at };
  switch (event.kind) {
    case 'resolved':
      return { ...next, status: 'resolved' };
    case 'acknowledged':
      return {
        ...next,
        acknowledged: { by: event.by, at: event.at, ...(event.comment ? { comment: event.comment } : {}) },
      };
    case 'unacknowledged':
      return { ...next, acknowledged: null };
    case 'snoozed':
      return { ...next, snoozedUntil: event.until };
    case 'commented':
      return next;
  }
}
