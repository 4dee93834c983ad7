/** Committed changes for the notification tests (a test helper, not shipped code). */
import type { CommittedChange } from '../../main/core/pipeline/observer.js';
import type { Category, Severity } from '../../common/protocol/alert.js';

let seq = 0;

/** A live `fired` change of a new alert, as the pipeline hands it over after the commit. */
export function firedChange(
  severity: Severity = 'high',
  category: Category = 'security',
  host = 'db-01',
  extra: Partial<CommittedChange> = {},
): CommittedChange {
  seq++;
  const alertId = `a${seq}`;
  const alert = { title: `t${seq}`, body: 'b', severity, category, host, labels: {}, startsAt: 0 };
  return {
    feedId: 'f',
    seq,
    replayed: false,
    event: { kind: 'fired', alertId, source: 's', at: 0, alert },
    row: {
      feedId: 'f',
      alertId,
      source: 's',
      ...alert,
      status: 'firing',
      acknowledged: null,
      snoozedUntil: null,
      firstSeq: seq,
      lastSeq: seq,
      updatedAt: 0,
    },
    ...extra,
  };
}

/** The same alert fired again as a new episode (after it resolved): a new firstSeq. */
export function refired(change: CommittedChange): CommittedChange {
  seq++;
  return { ...change, seq, row: { ...change.row, firstSeq: seq, lastSeq: seq } };
}
