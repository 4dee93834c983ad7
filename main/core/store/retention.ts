/**
 * Retention: the history keeps what is younger than maxAge and fits in maxBytes. Firing alerts
 * are never dropped, whatever their age; resolved alerts and their events go oldest first.
 * Freed pages are reused by SQLite, so the file stops growing at the bound.
 */
import type { Database } from 'better-sqlite3';

export type RetentionPolicy = { maxAgeMs: number; maxBytes: number };
export type RetentionResult = { alerts: number; events: number };

/** Bytes in use. In WAL mode deletions reach the page counts only at a checkpoint, so take one first. */
const usedBytes = (db: Database) => {
  db.pragma('wal_checkpoint(PASSIVE)');
  return usedPages(db);
};
const usedPages = (db: Database) =>
  ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) *
  (db.pragma('page_size', { simple: true }) as number);

/** Drop resolved alerts (and their events) older than the cutoff. */
function dropResolvedBefore(db: Database, cutoff: number, limit: number): RetentionResult {
  return db.transaction(() => {
    const victims = db
      .prepare(
        "SELECT feed_id, alert_id FROM alerts WHERE status = 'resolved' AND updated_at < ? ORDER BY updated_at LIMIT ?",
      )
      .all(cutoff, limit) as Array<{ feed_id: string; alert_id: string }>;
    let events = 0;
    const dropEvents = db.prepare('DELETE FROM events WHERE feed_id = ? AND alert_id = ?');
    const dropNotified = db.prepare('DELETE FROM notifications WHERE feed_id = ? AND alert_id = ?');
    const dropAlert = db.prepare('DELETE FROM alerts WHERE feed_id = ? AND alert_id = ?');
    for (const v of victims) {
      events += dropEvents.run(v.feed_id, v.alert_id).changes;
      dropNotified.run(v.feed_id, v.alert_id);
      dropAlert.run(v.feed_id, v.alert_id);
    }
    return { alerts: victims.length, events };
  })();
}

/** Apply the policy now. */
export function enforceRetention(db: Database, policy: RetentionPolicy, now: number): RetentionResult {
  const cutoff = now - policy.maxAgeMs;
  const total: RetentionResult = { alerts: 0, events: 0 };
  const add = (r: RetentionResult) => {
    total.alerts += r.alerts;
    total.events += r.events;
  };
  for (let r = dropResolvedBefore(db, cutoff, 5_000); r.alerts > 0; r = dropResolvedBefore(db, cutoff, 5_000)) add(r);
  db.prepare('DELETE FROM minute_counts WHERE minute < ?').run(cutoff);
  // Over the size bound: oldest resolved alerts first, in chunks, until it fits or only firing ones remain.
  // Chunks of 1% of the resolved alerts (50 to 5,000), so a small history is not emptied in one step.
  const resolved = (db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE status = 'resolved'").get() as { n: number }).n;
  const chunk = Math.min(5_000, Math.max(50, Math.ceil(resolved / 100)));
  while (usedBytes(db) > policy.maxBytes) {
    const r = dropResolvedBefore(db, Number.MAX_SAFE_INTEGER, chunk);
    if (r.alerts === 0) break;
    add(r);
  }
  return total;
}
