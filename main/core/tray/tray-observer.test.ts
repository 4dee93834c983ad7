import { describe, expect, it } from 'vitest';
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import type { DerivedTrayModel, TrayNotificationState } from '../../../common/tray-model.js';
import { firedChange } from '../../../tests/support/committed-changes.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { TrayObserver } from './tray-observer.js';
import { feedStatus } from '../../../tests/support/feed-status.js';

const feed = (state: FeedStatus['state'], feedId = 'f'): FeedStatus => feedStatus(state, { feedId });
const row = (alertId: string, extra: Partial<AlertRow> = {}): AlertRow => ({
  feedId: 'f',
  alertId,
  source: 's',
  title: 't',
  body: '',
  severity: 'high',
  category: 'outage',
  labels: {},
  startsAt: 0,
  status: 'firing',
  acknowledged: null,
  snoozedUntil: null,
  firstSeq: 1,
  lastSeq: 1,
  updatedAt: 1,
  ...extra,
});

function setup(alerts: AlertRow[] = [], feeds: FeedStatus[] = [feed('live')]) {
  const clock = new ManualClock();
  let notifications: TrayNotificationState = { snoozedUntil: null, paused: false };
  const tray = new TrayObserver({ clock, alerts, feeds, notifications: () => notifications });
  const models: DerivedTrayModel[] = [];
  tray.onModel((model) => models.push(model));
  return { clock, tray, models, setNotifications: (n: TrayNotificationState) => (notifications = n) };
}

describe('TrayObserver', () => {
  it('starts from the firing alerts loaded at start and publishes the first model after the interval', () => {
    const t = setup([row('a'), row('b', { acknowledged: { by: 'ann', at: 1 } })]);
    expect(t.models).toEqual([]);
    t.clock.advance(250);
    expect(t.models).toHaveLength(1);
    expect(t.models[0]).toMatchObject({ state: 'critical', counts: { firing: 2, unacknowledged: 1 } });
  });

  it('keeps firing alerts by key from committed changes and snapshot rows, at most one model per interval', () => {
    const t = setup([row('a')]);
    t.clock.advance(250);
    const change = firedChange('critical', 'security');
    for (let i = 0; i < 100; i++) t.tray.onCommitted([firedChange('warning', 'performance')]);
    t.tray.onCommitted([change]);
    t.clock.advance(249);
    expect(t.models).toHaveLength(1);
    t.clock.advance(1);
    expect(t.models).toHaveLength(2);
    expect(t.models[1]).toMatchObject({ state: 'security', counts: { firing: 102, security: 1 } });
    // The same alert again replaces it; resolved (here by a snapshot) removes it.
    t.tray.onCommitted([{ ...change, row: { ...change.row, acknowledged: { by: 'bob', at: 2 } } }]);
    t.tray.onSnapshot('f', [row('a', { status: 'resolved' }), row('new')]);
    t.clock.advance(250);
    expect(t.models[2]).toMatchObject({ state: 'critical', counts: { firing: 102, security: 1, unacknowledged: 101 } });
  });

  it('a feed that is not live makes the tray say so; notification state is read when the model is derived', () => {
    const t = setup([], [feed('live', 'a'), feed('connecting', 'b')]);
    t.clock.advance(250);
    expect(t.models[0]).toMatchObject({ state: 'disconnected', status: 'b: connecting' });
    t.tray.onFeedStatus(feed('live', 'b'));
    t.setNotifications({ snoozedUntil: null, paused: true });
    t.clock.advance(250);
    expect(t.models[1]).toMatchObject({ state: 'ok', status: '2 feeds live', notificationsPaused: true });
    t.setNotifications({ snoozedUntil: null, paused: false });
    t.tray.changed();
    t.clock.advance(250);
    expect(t.models[2]).toMatchObject({ notificationsPaused: false });
  });

  it('publishes nothing after close', () => {
    const t = setup();
    t.tray.close();
    t.tray.onFeedStatus(feed('stale'));
    t.clock.advance(1_000);
    expect(t.models).toEqual([]);
  });
});
