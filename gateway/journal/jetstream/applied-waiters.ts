/**
 * Appends that wait for this gateway's replica to reach the seq the stream gave them, so that
 * a caller reads its own write (an alert's state right after the webhook that fired it).
 */

type Waiter = { seq: number; resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout };

/** Waiters by seq, released as the replica advances. */
export class AppliedWaiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolve once `reached(seq')` with seq' ≥ seq is called, or reject after `timeoutMs`. */
  until(seq: number, current: number, timeoutMs: number): Promise<void> {
    if (current >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        seq,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(new Error(`stored as seq ${seq}, but this gateway had not read it back within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** The replica now holds everything up to `last`. */
  reached(last: number): void {
    for (const waiter of this.waiting) {
      if (waiter.seq > last) continue;
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
      waiter.resolve();
    }
  }

  rejectAll(why: string): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(why));
    }
    this.waiting.clear();
  }
}
