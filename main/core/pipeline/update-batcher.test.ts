import { describe, expect, it } from 'vitest';
import type { UiUpdate } from '../../../common/api/contract.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { noneSuppressed, type NotificationHealth } from '../../../common/notify/health.js';
import { UpdateBatcher } from './update-batcher.js';

const health = (shown: number): NotificationHealth => ({
  mode: 'native',
  state: 'ok',
  shown,
  failed: 0,
  lastShownAt: shown,
  lastFailure: null,
  warning: null,
  suppressed: noneSuppressed(),
});
const sample = (t: number) => ({ series: 'web-01/cpu', metric: 'cpu', host: 'web-01', t, value: t });

describe('UpdateBatcher', () => {
  it('coalesces one interval into one update: latest sample per series, latest notification health', () => {
    const clock = new ManualClock();
    const batcher = new UpdateBatcher(clock, 50);
    const updates: UiUpdate[] = [];
    batcher.onUpdate((u) => updates.push(u));
    batcher.addMetrics([sample(1)]);
    batcher.setNotifications(health(1));
    batcher.addMetrics([sample(2)]);
    batcher.setNotifications(health(2));
    clock.advance(49);
    expect(updates).toEqual([]);
    clock.advance(1);
    expect(updates).toEqual([{ alerts: [], metrics: [sample(2)], feeds: [], notifications: health(2) }]);
  });

  it('sends notification health on its own, and leaves it out of later updates that carry none', () => {
    const clock = new ManualClock();
    const batcher = new UpdateBatcher(clock, 50);
    const updates: UiUpdate[] = [];
    batcher.onUpdate((u) => updates.push(u));
    batcher.setNotifications(health(3));
    clock.advance(50);
    batcher.addMetrics([sample(4)]);
    clock.advance(50);
    expect(updates).toEqual([
      { alerts: [], metrics: [], feeds: [], notifications: health(3) },
      { alerts: [], metrics: [sample(4)], feeds: [] },
    ]);
  });
});
