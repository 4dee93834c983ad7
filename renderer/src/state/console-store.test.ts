import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleStore } from './console-store';

// The store applies updates on the next animation frame; here, when the test says a frame passed.
const raf = globalThis.requestAnimationFrame;
const frames: FrameRequestCallback[] = [];
const nextFrame = () => frames.splice(0).forEach((run) => run(0));
beforeEach(() => {
  globalThis.requestAnimationFrame = (run: FrameRequestCallback) => frames.push(run);
});
afterEach(() => {
  globalThis.requestAnimationFrame = raf;
});

const empty = { alerts: [], metrics: [], feeds: [] };

describe('console store', () => {
  it('keeps a digest’s Open as the set of its alerts’ keys, counting each request', () => {
    const store = new ConsoleStore();
    const alerts = [
      { feedId: 'f', alertId: 'a1' },
      { feedId: 'f', alertId: 'a2' },
    ];
    store.enqueue({ ...empty, focusSet: { alerts } });
    nextFrame();
    const first = store.getSnapshot().focusSet!;
    expect(first.keys).toHaveLength(2);
    expect(first.n).toBe(1);
    store.enqueue({ ...empty, focusSet: { alerts } });
    nextFrame();
    expect(store.getSnapshot().focusSet!.n).toBe(2); // the same digest opened twice moves the view twice
    store.enqueue(empty);
    nextFrame();
    expect(store.getSnapshot().focusSet!.n).toBe(2); // other updates leave it alone
  });
});
