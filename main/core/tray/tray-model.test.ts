import { describe, expect, it } from 'vitest';
import type { AlertRow, FeedStatus } from '../../../preload/contract.js';
import type { Category, Severity } from '../protocol/alert.js';
import { deriveTrayModel } from './tray-model.js';

const feed = (state: FeedStatus['state'], name = 'prod'): FeedStatus => ({ feedId: name, name, url: 'ws://x', embedded: false, state, since: 0, nextRetryAt: null, lastSeq: 0, lastError: null, rejected: {} });
const alert = (severity: Severity, category: Category, acked = false): AlertRow => ({
  feedId: 'prod', alertId: `${severity}-${category}-${acked}`, source: 's', title: 't', body: '', severity, category, labels: {}, startsAt: 0,
  status: 'firing', acknowledged: acked ? { by: 'ann', at: 1 } : null, snoozedUntil: null, firstSeq: 1, lastSeq: 1, updatedAt: 1,
});
const calm = { snoozedUntil: null, paused: false };

describe('deriveTrayModel', () => {
  it('is ok only when every feed is live and nothing open matters', () => {
    expect(deriveTrayModel([alert('info', 'other')], [feed('live')], calm)).toMatchObject({ state: 'ok', status: '1 feed live' });
  });
  it('picks the worst state: security over critical over warning', () => {
    expect(deriveTrayModel([alert('warning', 'performance')], [feed('live')], calm).state).toBe('warning');
    expect(deriveTrayModel([alert('warning', 'performance'), alert('high', 'outage')], [feed('live')], calm).state).toBe('critical');
    expect(deriveTrayModel([alert('critical', 'outage'), alert('high', 'security')], [feed('live')], calm).state).toBe('security');
  });
  it('never looks all clear with a feed down, stale, or no feed at all', () => {
    for (const state of ['disconnected', 'stale', 'connecting', 'resyncing'] as const) {
      expect(deriveTrayModel([], [feed('live', 'a'), feed(state, 'b')], calm)).toMatchObject({ state: 'disconnected', status: `b: ${state}` });
    }
    expect(deriveTrayModel([], [], calm)).toMatchObject({ state: 'disconnected', status: 'No feed configured' });
  });
  it('counts acknowledged alerts but does not let them raise the state', () => {
    const model = deriveTrayModel([alert('critical', 'security', true), alert('warning', 'outage')], [feed('live')], { snoozedUntil: 5, paused: true });
    expect(model).toMatchObject({ state: 'warning', counts: { firing: 2, critical: 1, security: 1, unacknowledged: 1 }, snoozedUntil: 5, notificationsPaused: true });
  });
});
