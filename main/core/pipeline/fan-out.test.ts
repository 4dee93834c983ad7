import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../common/api/contract.js';
import { ObserverFanOut } from './fan-out.js';
import type { CommittedObserver } from './observer.js';

const status = { feedId: 'f' } as FeedStatus;

describe('ObserverFanOut', () => {
  it('an observer that throws is logged and counted; the others still hear everything, in order', () => {
    const heard: string[] = [];
    const logs: string[] = [];
    const recorder = (name: string): CommittedObserver => ({
      onCommitted: () => void heard.push(`${name} batch`),
      onSnapshot: () => void heard.push(`${name} snapshot`),
      onFeedStatus: () => void heard.push(`${name} status`),
    });
    class BrokenObserver implements CommittedObserver {
      onCommitted(): void {
        throw new TypeError('cannot read the row');
      }
      onSnapshot(): void {
        throw new TypeError('cannot read the rows');
      }
      onFeedStatus(): void {}
    }
    const fanOut = new ObserverFanOut([recorder('a'), new BrokenObserver()], (line) => logs.push(line));
    fanOut.add(recorder('b'));
    fanOut.onCommitted([]);
    fanOut.onSnapshot('f', []);
    fanOut.onFeedStatus(status);
    expect(heard).toEqual(['a batch', 'b batch', 'a snapshot', 'b snapshot', 'a status', 'b status']);
    expect(fanOut.failures).toBe(2);
    expect(logs).toEqual([
      'an observer (BrokenObserver) failed on a committed batch: cannot read the row',
      'an observer (BrokenObserver) failed on a snapshot: cannot read the rows',
    ]);
  });
});
