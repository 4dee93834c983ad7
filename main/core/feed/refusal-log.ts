/**
 * Logging of what a peer sent that was refused, bounded: a hostile or broken gateway can send
 * thousands of bad frames a second, and one log line each would fill the disk. The first few of
 * each interval are logged in full; the rest are counted by reason and summed up in one line
 * when the interval ends.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';

export type RefusalLogOptions = {
  /** Refusals logged in full per interval. */
  burst: number;
  intervalMs: number;
};

export const DEFAULT_REFUSAL_LOG: RefusalLogOptions = { burst: 5, intervalMs: 60_000 };

/** Rate-limited log lines for refusals, with a per-interval summary of the ones not written. */
export class RefusalLog {
  private written = 0;
  private readonly suppressed = new Map<string, number>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
    /** What the summary line begins with, e.g. "feed Production". */
    private readonly prefix: string,
    private readonly options: RefusalLogOptions = DEFAULT_REFUSAL_LOG,
  ) {}

  /** Note one refusal; logged in full while this interval's burst lasts, else counted. */
  note(reason: string, detail: string): void {
    this.timer ??= this.clock.setTimeout(() => this.endInterval(), this.options.intervalMs);
    if (this.written < this.options.burst) {
      this.written++;
      this.log(`${this.prefix}: skipped a frame (${reason}): ${detail.slice(0, 300)}`);
      return;
    }
    this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
  }

  /** Write the summary of what was not logged, and stop the timer (the link closed or the console stops). */
  flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.summarize();
    this.written = 0;
  }

  private endInterval(): void {
    this.timer = null;
    this.summarize();
    this.written = 0;
  }

  private summarize(): void {
    if (this.suppressed.size === 0) return;
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    const byReason = [...this.suppressed].map(([reason, count]) => `${reason} ${count}`).join(', ');
    this.log(`${this.prefix}: ${total} more frames skipped and not logged one by one (${byReason})`);
    this.suppressed.clear();
  }
}
