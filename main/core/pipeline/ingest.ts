/**
 * One feed's ingest, the single owner of what a link receives on its way into the history:
 * the order check (repeats ignored, jumps refused, resync after many in a row), the commit in
 * batches (BatchCommitter), the ack through the link after each commit, the committed-change
 * observers; snapshots after a gap alike; and every other store access of a feed: the resume
 * cursor, the gateway journal's identity at the welcome, replaying or live, and the bound on
 * events held while the history cannot be written. The link (FeedClient) reaches it only
 * through the port it declares (FeedSink), and is reached back only through LinkControl.
 */
import type { Clock } from '../../../common/clock.js';
import type { AlertEvent, AlertState } from '../../../common/protocol/alert.js';
import type { BackoffPolicy } from '../feed/backoff.js';
import type { FeedSink, LinkControl, WelcomeAnswer } from '../feed/link-port.js';
import type { AlertStore } from '../store/alert-store.js';
import { BatchCommitter } from './batch-committer.js';
import type { CommittedObserver } from './observer.js';

/** Events refused as out of sequence in a row before the link is deemed confused and dropped. */
export const MAX_OUT_OF_SEQUENCE = 50;
/** Events held uncommitted (the history cannot be written) before the link is dropped. */
export const DEFAULT_MAX_UNCOMMITTED = 50_000;

/** What an ingest needs; the console core's composition root provides it. */
export type FeedIngestDeps = {
  feed: { id: string; name: string };
  store: AlertStore;
  clock: Clock;
  random: () => number;
  /** Who hears committed changes and stored snapshots (one fan-out for all of them). */
  observer: Pick<CommittedObserver, 'onCommitted' | 'onSnapshot'>;
  log(message: string): void;
  /** Retries of a failed commit. */
  backoff?: BackoffPolicy;
  /** Uncommitted events held while the history cannot be written; past this the link is dropped. */
  maxUncommitted?: number;
};

/** Validate order → deduplicate → commit → ack → observers, for one feed. */
export class FeedIngest implements FeedSink {
  private readonly committer: BatchCommitter;
  private replayingNow = false;
  /** The last seq accepted on this connection: the next event must be exactly this + 1. */
  private lastAccepted = 0;
  private outOfSequence = 0;
  /** The snapshot being received: the union of every snapshot frame with this seq, applied at the gap. */
  private pendingSnapshot: { seq: number; alerts: AlertState[] } | null = null;

  constructor(
    private readonly deps: FeedIngestDeps,
    private readonly link: LinkControl,
  ) {
    this.committer = new BatchCommitter({
      feedId: deps.feed.id,
      store: deps.store,
      clock: deps.clock,
      random: deps.random,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
      replaying: () => this.replayingNow,
      committed: (lastSeq, changes) => {
        this.link.committed(lastSeq); // acked before anyone reacts: the gateway may forget it now
        if (changes.length) this.deps.observer.onCommitted(changes);
      },
      blocked: (message) => this.link.blocked(message),
    });
  }

  get blocked(): boolean {
    return this.committer.isBlocked;
  }

  get replaying(): boolean {
    return this.replayingNow;
  }

  cursor(): number {
    return this.deps.store.cursor(this.deps.feed.id);
  }

  open(): number {
    this.lastAccepted = this.cursor();
    this.outOfSequence = 0;
    this.pendingSnapshot = null;
    return this.lastAccepted;
  }

  welcome(alerts: { last: number; journalId?: string | undefined }): WelcomeAnswer {
    const restart = this.journalChanged(alerts);
    if (restart !== null) return { restart };
    this.replayingNow = alerts.last > this.cursor();
    return { replaying: this.replayingNow };
  }

  /**
   * Events must arrive in order with no holes (the gateway says "gap" out loud when there is one).
   * A repeat is ignored; a jump is refused and counted, so the cursor can never pass an event
   * the console did not receive. Many jumps in a row mean the link is confused: resync from the cursor.
   */
  event(seq: number, event: AlertEvent): void {
    if (seq === this.lastAccepted + 1) {
      this.lastAccepted = seq;
      this.outOfSequence = 0;
      this.committer.add({ seq, event });
      if (this.committer.isBlocked && this.committer.held > (this.deps.maxUncommitted ?? DEFAULT_MAX_UNCOMMITTED)) {
        // Memory stays bounded: let the gateway keep the rest, and resume from the cursor later.
        this.deps.log(
          `feed ${this.deps.feed.name}: ${this.committer.held} events wait for the history; dropping the link until it can be written`,
        );
        this.link.drop();
      }
      return;
    }
    const reason = seq <= this.lastAccepted ? 'duplicate_seq' : 'out_of_sequence';
    this.link.refused(reason);
    if (reason === 'out_of_sequence' && ++this.outOfSequence >= MAX_OUT_OF_SEQUENCE) {
      this.deps.log(
        `feed ${this.deps.feed.name}: events keep arriving out of sequence (expected ${this.lastAccepted + 1}, got ${seq}); resyncing`,
      );
      this.link.drop();
    }
  }

  snapshot(seq: number, alerts: readonly AlertState[]): void {
    // A large snapshot spans several frames with the same seq: collect them all until the gap.
    if (this.pendingSnapshot?.seq === seq) for (const alert of alerts) this.pendingSnapshot.alerts.push(alert);
    else this.pendingSnapshot = { seq, alerts: [...alerts] };
  }

  gap(gap: { from: number; to: number }): void {
    this.committer.flush(); // what came before the gap is stored before the snapshot
    if (this.pendingSnapshot && !this.applySnapshot(this.pendingSnapshot.alerts, gap)) return;
    this.pendingSnapshot = null;
    this.lastAccepted = Math.max(this.lastAccepted, gap.to);
    this.deps.log(
      `feed ${this.deps.feed.name}: events ${gap.from}-${gap.to} are outside the gateway's replay window; applied its snapshot`,
    );
  }

  live(): void {
    this.committer.flush();
    this.replayingNow = false;
  }

  discard(): void {
    this.committer.discard();
  }

  /**
   * Did the gateway's seqs start again? Its journal names itself, and a different name than the
   * one this feed's history came from means a deleted, replaced or restored journal; so does a
   * journal that ends before this console's cursor (a gateway that names no journal). Its new
   * events would otherwise reuse seqs this console has, and be ignored as repeats. Then the
   * history keeps what it has, stores the new seqs after it, and the link says hello again
   * from the new journal's start. Returns why, or null when the journal is the same.
   */
  private journalChanged({ last, journalId }: { last: number; journalId?: string | undefined }): string | null {
    const { store, feed } = this.deps;
    const known = store.journalOf(feed.id);
    const cursor = store.cursor(feed.id);
    const replaced = journalId !== undefined && known !== null && known !== journalId;
    if (!replaced && last >= cursor) {
      if (journalId !== undefined && known === null) store.setJournal(feed.id, journalId);
      return null;
    }
    const why = replaced
      ? `the gateway's journal changed (was ${known}, now ${journalId})`
      : `the gateway's journal ends at seq ${last}, before this console's ${cursor} (deleted or restored from a backup)`;
    this.deps.log(
      `feed ${feed.name}: ${why}: its seqs started again; the history keeps everything so far and takes the new journal from its start`,
    );
    this.committer.discard();
    store.restartSeqs(feed.id, journalId ?? null);
    return why;
  }

  /** Store a snapshot after a gap and tell the observers; false (and the link dropped to resume later) if the history cannot take it. */
  private applySnapshot(alerts: readonly AlertState[], gap: { from: number; to: number }): boolean {
    if (this.committer.isBlocked) {
      this.link.drop();
      return false;
    }
    let rows;
    try {
      rows = this.deps.store.applySnapshot(this.deps.feed.id, alerts, gap, this.deps.clock.now());
    } catch (error) {
      const message = `cannot write the alert history: ${(error as Error).message}; will resume`;
      this.deps.log(`feed ${this.deps.feed.name}: ${message}`);
      this.link.drop(message);
      return false;
    }
    this.deps.observer.onSnapshot(this.deps.feed.id, rows);
    return true;
  }
}
