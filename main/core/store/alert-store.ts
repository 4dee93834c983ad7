/**
 * The console's alert history in SQLite (better-sqlite3, WAL, STRICT tables, FTS5).
 * Events and the feed's cursor are written in ONE transaction, and `(feed_id, seq)` is the
 * primary key with INSERT OR IGNORE, so replays after a reconnect or a crash are harmless.
 * Full-text indexing follows the commit (FtsIndexer); queries that search text catch it up first.
 */
import type { Database } from 'better-sqlite3';
import type { AlertFilter, AlertRow, MinuteCount, TimelineEntry } from '../../../common/api/contract.js';
import type { AlertEvent, AlertState } from '../../../common/protocol/alert.js';
import { severityRank } from '../../../common/protocol/alert.js';
import { reduceAlert } from '../../../common/protocol/reduce.js';
import type { CommittedChange } from './committed-change.js';
import { FtsIndexer } from './fts-indexer.js';
import { migrate } from '../../../common/node/sqlite/migrate.js';
import { HISTORY_MIGRATIONS } from './migrations.js';
import { openDatabase, type OpenDatabaseOptions } from './open-database.js';
import * as queries from './queries.js';

/** One event as received from a feed. */
export type ReceivedEvent = { seq: number; event: AlertEvent };

export class AlertStore {
  /** The full-text index, kept a moment behind the commits (see fts-indexer.ts). */
  readonly fullText: FtsIndexer;
  private readonly insertEvent;
  private readonly upsertAlert;
  private readonly getAlert;
  private readonly setCursor;
  private readonly getCursor;
  private readonly countMinute;
  /** Per feed: what is added to the gateway's seqs to store them (migration 10). */
  private readonly bases = new Map<string, number>();

  private constructor(readonly db: Database) {
    migrate(db, HISTORY_MIGRATIONS, 'the alert history');
    this.fullText = new FtsIndexer(db);
    this.insertEvent = db.prepare(
      'INSERT OR IGNORE INTO events (feed_id, seq, at, alert_id, kind, by, comment) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertAlert = db.prepare(`
      INSERT INTO alerts (feed_id, alert_id, source, title, body, labels, severity, severity_rank, category, host, status, acknowledged, first_seq, updated_at, state)
      VALUES (@feed_id, @alert_id, @source, @title, @body, @labels, @severity, @severity_rank, @category, @host, @status, @acknowledged, @first_seq, @updated_at, @state)
      ON CONFLICT (feed_id, alert_id) DO UPDATE SET source = excluded.source, title = excluded.title, body = excluded.body,
        labels = excluded.labels, severity = excluded.severity, severity_rank = excluded.severity_rank, category = excluded.category,
        host = excluded.host, status = excluded.status, acknowledged = excluded.acknowledged, first_seq = excluded.first_seq,
        updated_at = excluded.updated_at, state = excluded.state`);
    this.getAlert = db.prepare<[string, string], { state: string }>(
      'SELECT state FROM alerts WHERE feed_id = ? AND alert_id = ?',
    );
    this.setCursor = db.prepare(
      'INSERT INTO cursors (feed_id, seq) VALUES (?, ?) ON CONFLICT (feed_id) DO UPDATE SET seq = MAX(seq, excluded.seq)',
    );
    this.getCursor = db.prepare<[string], { seq: number; base: number; journal_id: string | null }>(
      'SELECT seq, base, journal_id FROM cursors WHERE feed_id = ?',
    );
    this.countMinute = db.prepare(
      'INSERT INTO minute_counts (minute, severity, category, n) VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1',
    );
  }

  /** Open the history at `path`; a damaged file raises CorruptHistoryError, never a silent reset. */
  static open(path: string, options: OpenDatabaseOptions = {}): AlertStore {
    return new AlertStore(openDatabase(path, options));
  }

  /** The last gateway seq committed for a feed (0 if none): what the client resumes from. */
  cursor(feedId: string): number {
    const row = this.getCursor.get(feedId);
    return row ? row.seq - row.base : 0;
  }

  /** The identity of the gateway journal this feed's seqs come from, if its gateway said. */
  journalOf(feedId: string): string | null {
    return this.getCursor.get(feedId)?.journal_id ?? null;
  }

  /** Remember the journal this feed's seqs come from (the first time a gateway names it). */
  setJournal(feedId: string, journalId: string): void {
    this.db
      .prepare(
        'INSERT INTO cursors (feed_id, seq, journal_id) VALUES (?, 0, ?) ON CONFLICT (feed_id) DO UPDATE SET journal_id = excluded.journal_id',
      )
      .run(feedId, journalId);
  }

  /**
   * The feed's gateway seqs start again (a new journal): what is stored stays, and the new seqs
   * are stored after it, so the cursor the client resumes from is 0 and nothing collides.
   */
  restartSeqs(feedId: string, journalId: string | null): void {
    this.db
      .prepare(
        'INSERT INTO cursors (feed_id, seq, base, journal_id) VALUES (?, 0, 0, ?) ON CONFLICT (feed_id) DO UPDATE SET base = seq, journal_id = excluded.journal_id',
      )
      .run(feedId, journalId);
    this.bases.delete(feedId);
  }

  /** What is added to this feed's gateway seqs to store them. */
  private baseOf(feedId: string): number {
    let base = this.bases.get(feedId);
    if (base === undefined) {
      base = this.getCursor.get(feedId)?.base ?? 0;
      this.bases.set(feedId, base);
    }
    return base;
  }

  /**
   * Commit a batch from one feed: new events, the alerts' new states, and the cursor, in one
   * transaction. Returns the changes that were new (a replayed seq yields nothing).
   */
  commit(feedId: string, batch: readonly ReceivedEvent[], replayed: boolean): CommittedChange[] {
    const base = this.baseOf(feedId);
    return this.db.transaction(() => {
      const changes: CommittedChange[] = [];
      let maxSeq = 0;
      for (const { seq: gatewaySeq, event } of batch) {
        const seq = gatewaySeq + base;
        maxSeq = Math.max(maxSeq, seq);
        const actor = 'by' in event ? event : null;
        if (
          this.insertEvent.run(
            feedId,
            seq,
            event.at,
            event.alertId,
            event.kind,
            actor?.by ?? null,
            actor?.comment ?? null,
          ).changes === 0
        )
          continue;
        const state = reduceAlert(this.alertState(feedId, event.alertId), event, seq);
        if (!state) continue;
        this.writeAlert(feedId, state);
        if (event.kind === 'fired' && state.firstSeq === seq)
          this.countMinute.run(Math.floor(event.at / 60_000) * 60_000, state.severity, state.category);
        changes.push({ feedId, seq, event, row: { ...state, feedId }, replayed });
      }
      if (maxSeq > 0) this.setCursor.run(feedId, maxSeq);
      return changes;
    })();
  }

  /** Apply a snapshot (the state of every firing alert as of `seq`) and record the gap before it. */
  applySnapshot(
    feedId: string,
    alerts: readonly AlertState[],
    gap: { from: number; to: number },
    at: number,
  ): AlertRow[] {
    return this.db.transaction(() => {
      const base = this.baseOf(feedId);
      this.db
        .prepare('INSERT INTO gaps (feed_id, from_seq, to_seq, at) VALUES (?, ?, ?, ?)')
        .run(feedId, gap.from + base, gap.to + base, at);
      // Alerts we think are firing but the snapshot does not list ended while we were away: every
      // one of this feed's firing alerts is checked, not a page of all feeds' (a busy feed has more).
      const listed = new Set(alerts.map((a) => a.alertId));
      const ended: AlertState[] = [];
      for (const alertId of queries.firingAlertIds(this.db, feedId)) {
        const state = listed.has(alertId) ? undefined : this.alertState(feedId, alertId);
        if (state) ended.push({ ...state, status: 'resolved', updatedAt: at });
      }
      for (const state of ended) this.writeAlert(feedId, state);
      // The snapshot's seqs are the gateway's: stored, like every seq, after the feed's base.
      const stored = alerts.map((a) => (base ? { ...a, firstSeq: a.firstSeq + base, lastSeq: a.lastSeq + base } : a));
      for (const alert of stored) this.writeAlert(feedId, alert);
      this.setCursor.run(feedId, gap.to + base);
      return [...stored, ...ended].map((a) => ({ ...a, feedId })); // as written, so observers see what is stored
    })();
  }

  /** The console's view of one alert. */
  alertState(feedId: string, alertId: string): AlertState | undefined {
    const row = this.getAlert.get(feedId, alertId);
    return row ? (JSON.parse(row.state) as AlertState) : undefined;
  }

  /** Record that a native notification was shown for an alert (its timeline says "notified"). */
  recordNotified(feedId: string, alertId: string, at: number): void {
    this.db.prepare('INSERT INTO notifications (feed_id, alert_id, at) VALUES (?, ?, ?)').run(feedId, alertId, at);
  }

  /** Every firing alert of every feed, without a page limit. */
  firingAlerts(): AlertRow[] {
    return queries.firingAlerts(this.db);
  }

  activeAlerts(filter: AlertFilter): AlertRow[] {
    this.indexIfSearching(filter);
    return queries.activeAlerts(this.db, filter);
  }

  searchHistory(
    filter: AlertFilter,
    limit: number,
    before?: { at: number; seq: number },
  ): { rows: AlertRow[]; total: number } {
    this.indexIfSearching(filter);
    return queries.searchHistory(this.db, filter, limit, before);
  }

  timeline(feedId: string, alertId: string): TimelineEntry[] {
    return queries.timeline(this.db, feedId, alertId);
  }

  minuteCounts(from: number, to: number): MinuteCount[] {
    return queries.minuteCounts(this.db, from, to);
  }

  exportHistory(filter: AlertFilter, format: 'csv' | 'json', limit: number): string {
    this.indexIfSearching(filter);
    return queries.exportHistory(this.db, filter, format, limit);
  }

  close(): void {
    this.fullText.stop();
    this.db.close();
  }

  /** A text search must see every committed alert: index what is pending first. */
  private indexIfSearching(filter: AlertFilter): void {
    if (filter.text?.trim()) this.fullText.catchUp();
  }

  private writeAlert(feedId: string, state: AlertState): void {
    this.upsertAlert.run({
      feed_id: feedId,
      alert_id: state.alertId,
      source: state.source,
      title: state.title,
      body: state.body,
      labels: JSON.stringify(state.labels),
      severity: state.severity,
      severity_rank: severityRank(state.severity),
      category: state.category,
      host: state.host ?? null,
      status: state.status,
      acknowledged: state.acknowledged ? 1 : 0,
      first_seq: state.firstSeq,
      updated_at: state.updatedAt,
      state: JSON.stringify(state),
    });
  }
}
