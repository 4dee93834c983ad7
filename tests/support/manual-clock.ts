/** A clock that only moves when a test says so: timing logic tested without sleeping. */
import type { Clock, TimerHandle } from '../../common/clock.js';

export class ManualClock implements Clock {
  private time: number;
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private nextId = 1;

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Move time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.run();
    }
    this.time = end;
  }

  /** When the next timer fires, or null. */
  nextTimerAt(): number | null {
    return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : null;
  }
}
