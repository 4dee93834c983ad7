/**
 * The SQLite backend of the journal port: the gateway's own file, as it always was. Appends
 * are synchronous transactions; the port's promises resolve at once. WAL checkpoints run on a
 * thread of their own (common/node/sqlite/wal-checkpoints.ts).
 */
import type { Clock } from '../../common/clock.js';
import type { WalCheckpoints } from '../../common/node/sqlite/wal-checkpoints.js';
import type { AlertState } from '../../common/protocol/alert.js';
import type { SinkEntry } from '../sources/sink.js';
import { Journal, type JournalOptions } from './journal.js';
import type { JournalBounds, JournaledFrame, JournalHealth, JournalPort } from './journal-port.js';

/** What the SQLite backend needs for its checkpoints. */
export type SqliteBackendDeps = { clock: Clock; log: (message: string) => void };

/** The SQLite journal behind the port. */
export class SqliteJournalBackend implements JournalPort {
  readonly kind = 'sqlite';
  readonly id: string;
  private readonly listeners: Array<() => void> = [];
  private checkpoints: WalCheckpoints | null = null;

  constructor(
    /** The journal itself, for what only SQLite has (tests reach its file through it). */
    readonly journal: Journal,
    private readonly path: string,
    private readonly deps: SqliteBackendDeps,
  ) {
    this.id = journal.id;
  }

  /** Open the file at `options.path` (migrated to the newest schema). */
  static open(options: JournalOptions, deps: SqliteBackendDeps): SqliteJournalBackend {
    return new SqliteJournalBackend(new Journal(options), options.path, deps);
  }

  /** Start WAL checkpoints, on a thread when one can start (the log says when it cannot). */
  async start(): Promise<void> {
    this.checkpoints = this.journal.checkpointsOn(this.deps.clock);
    this.checkpoints.start();
    await this.checkpoints.moveToThread(this.path, 'journal', this.deps.log);
  }

  bounds(): JournalBounds {
    return this.journal.bounds();
  }

  readAfter(seq: number, limit: number): JournaledFrame[] {
    return this.journal.readAfter(seq, limit);
  }

  alertState(alertId: string): AlertState | undefined {
    return this.journal.alertState(alertId);
  }

  firingAlerts(): AlertState[] {
    return this.journal.firingAlerts();
  }

  async append(entries: readonly SinkEntry[]): Promise<Array<number | null>> {
    const seqs = this.journal.append(entries);
    if (seqs.some((seq) => seq !== null)) for (const listener of this.listeners) listener();
    return seqs;
  }

  async actionResult(actionId: string): Promise<string | undefined> {
    return this.journal.actionResult(actionId);
  }

  async recordActionResult(actionId: string, result: string, at: number): Promise<string> {
    // INSERT OR IGNORE: the first result under a key stays.
    this.journal.recordActionResult(actionId, result, at);
    return this.journal.actionResult(actionId) ?? result;
  }

  async trim(now: number): Promise<void> {
    this.journal.trim(now);
  }

  onAppended(listener: () => void): void {
    this.listeners.push(listener);
  }

  health(): JournalHealth {
    return { reachable: true, caughtUp: true, detail: `sqlite ${this.path}` };
  }

  async close(): Promise<void> {
    await this.checkpoints?.stop();
    this.journal.close();
  }
}
