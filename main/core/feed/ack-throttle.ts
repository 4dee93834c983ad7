/**
 * Cumulative acks, at most one per interval. Commits happen on every turn of the event loop,
 * so at 1,000 events/s a console could commit (and ack) 1,000 times a second, and the gateway
 * closes a peer sending more than `limits.maxFramesPerSecond` (200 by default) frames. An ack
 * only tells the gateway what it may forget, so delaying it by up to 50 ms costs nothing:
 * after a reconnect the console resumes from its own committed cursor, not from the last ack.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';

/** Sends the highest committed seq, immediately when the last ack is older than the interval. */
export class AckThrottle {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private sentSeq = 0;
  private committedSeq = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly send: (seq: number) => void,
    private readonly intervalMs = 50,
  ) {}

  /** Everything up to `seq` is committed. */
  committed(seq: number): void {
    this.committedSeq = Math.max(this.committedSeq, seq);
    const wait = this.lastSentAt + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.flush(), wait);
  }

  /** The link is gone: forget the state (the next link starts from the committed cursor). */
  reset(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.lastSentAt = Number.NEGATIVE_INFINITY;
    this.sentSeq = this.committedSeq = 0;
  }

  private flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.committedSeq <= this.sentSeq) return;
    this.sentSeq = this.committedSeq;
    this.lastSentAt = this.clock.now();
    this.send(this.sentSeq);
  }
}
