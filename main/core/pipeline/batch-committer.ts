/**
 * The pipeline's write step for one feed: events accepted in order are committed together on
 * the next turn of the event loop (one transaction, cursor included), never on a fixed timer,
 * so a quiet feed commits within a millisecond and a busy one in large batches. A failed
 * commit (full disk, I/O error) keeps the batch, retries with backoff and reports it; nothing
 * is acknowledged until it is stored.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../feed/backoff.js';
import type { AlertStore, ReceivedEvent } from '../store/alert-store.js';
import type { CommittedChange } from './observer.js';

/** A retry of a failed commit never comes sooner than this (full jitter may draw 0). */
const MIN_RETRY_MS = 250;
/**
 * A batch is committed once it holds this many events, without waiting for the next turn. While
 * a backlog replays, one turn reads up to 6,000 events (bench/pipeline.ts), and one transaction
 * of them holds the event loop for 100 ms or more (UI updates, api calls and heartbeats wait
 * behind it); very large ones are also slower per event (bench/pipeline.ts, BENCH_BATCH=14000:
 * 46,177 events/s against 55,869 in batches of 500).
 */
export const MAX_BATCH = 1_000;

export type BatchCommitterDeps = {
  feedId: string;
  store: AlertStore;
  clock: Clock;
  random: () => number;
  backoff?: BackoffPolicy;
  /** Whether the events being committed are a replay (passed on to observers). */
  replaying(): boolean;
  /** After each successful commit: ack up to `lastSeq`, then tell the observers. */
  committed(lastSeq: number, changes: CommittedChange[]): void;
  /** The history cannot be written (`message` says why and when the next try is), or can again (null). */
  blocked(message: string | null): void;
};

/** Batches and commits one feed's accepted events. */
export class BatchCommitter {
  private pending: ReceivedEvent[] = [];
  private scheduled = false;
  private failure: { attempt: number; timer: TimerHandle | null } | null = null;

  constructor(private readonly deps: BatchCommitterDeps) {}

  /** True while commits fail: events are held, none acknowledged. */
  get isBlocked(): boolean {
    return this.failure !== null;
  }

  /** How many accepted events wait for a commit. */
  get held(): number {
    return this.pending.length;
  }

  /** Accept one event (in seq order) and schedule a commit on the next turn of the event loop. */
  add(event: ReceivedEvent): void {
    this.pending.push(event);
    if (this.pending.length >= MAX_BATCH && !this.failure) this.flush();
    // One commit per turn is queued at most; an early flush leaves it queued for what follows.
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Commit what is pending now (also before a gap or at "live", so order is kept). */
  flush(): void {
    if (this.pending.length === 0 || this.failure?.timer) return;
    const batch = this.pending;
    this.pending = [];
    let changes: CommittedChange[];
    try {
      changes = this.deps.store.commit(this.deps.feedId, batch, this.deps.replaying());
    } catch (error) {
      this.pending = batch; // nothing else can have arrived: this runs synchronously
      const attempt = this.failure?.attempt ?? 0;
      const delay = Math.max(
        MIN_RETRY_MS,
        backoffDelay(this.deps.backoff ?? DEFAULT_BACKOFF, attempt, this.deps.random()),
      );
      this.failure = { attempt: attempt + 1, timer: null };
      this.failure.timer = this.deps.clock.setTimeout(() => {
        if (this.failure) this.failure.timer = null;
        this.flush();
      }, delay);
      this.deps.blocked(
        `cannot write the alert history: ${(error as Error).message}; ${batch.length} events held unacknowledged, retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      return;
    }
    if (this.failure) {
      this.failure = null;
      this.deps.blocked(null);
    }
    this.deps.committed(batch[batch.length - 1]!.seq, changes);
  }

  /** Forget what is pending (the link closed: uncommitted and unacked, so the gateway replays it). */
  discard(): void {
    if (this.failure?.timer) this.deps.clock.clearTimeout(this.failure.timer);
    this.failure = null;
    this.pending = [];
  }
}
