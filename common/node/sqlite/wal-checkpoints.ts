/**
 * WAL checkpoints on the core's terms rather than SQLite's. SQLite's automatic checkpoint
 * (every 1,000 pages) runs inside whichever commit crosses the line, with an fsync, and put
 * 50-190 ms into the p99 of publish→commit latency (bench/core-latency.ts). Here commits never
 * checkpoint: a passive checkpoint runs when the feed has been quiet for a moment, and, under a
 * sustained storm, after a bounded number of writes so the WAL cannot grow without limit.
 */
import type { Database } from 'better-sqlite3';
import type { Clock, TimerHandle } from '../../clock.js';
import { CheckpointThread } from './checkpoint-thread.js';
import { errorMessage } from '../../protocol/bounded-json.js';

export type CheckpointPolicy = { checkEveryMs: number; quietMs: number; maxEventsBetween: number };

export const DEFAULT_CHECKPOINTS: CheckpointPolicy = { checkEveryMs: 250, quietMs: 250, maxEventsBetween: 2_500 };

/** Owns the history's checkpoints once started. */
export class WalCheckpoints {
  private lastWrite = 0;
  private written = 0;
  private timer: TimerHandle | null = null;

  /** With a thread, checkpoints run there and never hold this thread; without, they run here. */
  private thread: CheckpointThread | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINTS,
  ) {}

  /** Run checkpoints on this thread from now on (see checkpoint-thread.ts). */
  useThread(thread: CheckpointThread): void {
    this.thread = thread;
  }

  /**
   * Move checkpoints onto a thread of their own for the SQLite file at `path` (`what` names it in
   * the log). If that thread cannot start, they stay on this thread, and the log says so.
   * `nativeBinding`: the thread's better-sqlite3 native module, as the opener's (Electron's build).
   */
  async moveToThread(
    path: string,
    what: string,
    log: (message: string) => void,
    nativeBinding?: string,
  ): Promise<void> {
    try {
      this.useThread(
        await CheckpointThread.start(
          path,
          (result) => {
            if (!result.ok) log(`${what} checkpoint failed: ${result.message}`);
          },
          nativeBinding,
        ),
      );
    } catch (error) {
      log(`${what} checkpoints run on the main thread: the checkpoint thread did not start (${errorMessage(error)})`);
    }
  }

  /** Take checkpoints away from commits, and start the timer. */
  start(): void {
    this.db.pragma('wal_autocheckpoint = 0');
    this.schedule();
  }

  /** A commit wrote `events` events. */
  noteWrite(events: number): void {
    this.lastWrite = this.clock.now();
    this.written += events;
  }

  /** Checkpoint now if anything was written (also on close). */
  checkpoint(): void {
    if (this.written === 0) return;
    this.written = 0;
    if (this.thread) this.thread.request();
    else this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Stop the timer and the thread; the final checkpoint then runs here. */
  async stop(): Promise<void> {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const thread = this.thread;
    this.thread = null;
    await thread?.close();
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      const quiet = this.clock.now() - this.lastWrite >= this.policy.quietMs;
      if (quiet || this.written >= this.policy.maxEventsBetween) this.checkpoint();
      this.schedule();
    }, this.policy.checkEveryMs);
  }
}
