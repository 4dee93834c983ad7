import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { RefusalLog } from './refusal-log.js';

describe('RefusalLog', () => {
  it('logs the first few refusals of an interval in full and sums up the rest in one line', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = new RefusalLog(clock, (line) => lines.push(line), 'feed Prod', { burst: 3, intervalMs: 1_000 });
    for (let i = 0; i < 10_000; i++) log.note(i % 2 ? 'too_deep' : 'invalid_frame', `frame ${i}`);
    expect(lines).toEqual([
      'feed Prod: skipped a frame (invalid_frame): frame 0',
      'feed Prod: skipped a frame (too_deep): frame 1',
      'feed Prod: skipped a frame (invalid_frame): frame 2',
    ]);
    clock.advance(1_000);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      'feed Prod: 9997 more frames skipped and not logged one by one (too_deep 4999, invalid_frame 4998)',
    );
    log.note('too_deep', 'next interval');
    expect(lines[4]).toBe('feed Prod: skipped a frame (too_deep): next interval');
  });

  it('writes what it held back when flushed, and nothing when there is nothing', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = new RefusalLog(clock, (line) => lines.push(line), 'feed A', { burst: 1, intervalMs: 60_000 });
    log.flush();
    expect(lines).toEqual([]);
    log.note('x', 'a');
    log.note('x', 'b');
    log.flush();
    expect(lines).toEqual([
      'feed A: skipped a frame (x): a',
      'feed A: 1 more frames skipped and not logged one by one (x 1)',
    ]);
  });
});
