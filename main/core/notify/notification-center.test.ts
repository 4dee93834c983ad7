import { NO_SOUND } from '../../../tests/support/no-sound.js';
import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../common/api/contract.js';
import { firedChange } from '../../../tests/support/committed-changes.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { WindowState } from '../../../common/window-state.js';
import { NotificationCenter } from './notification-center.js';
import { NotificationPolicy } from './policy.js';
import type { DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from './request.js';
import { NotificationSettingsSchema, type NotificationSettings } from '../../../common/notify/settings.js';
import { feedStatus } from '../../../tests/support/feed-status.js';

const HIDDEN: WindowState = { visible: false, minimized: false, focused: false };

/** A notifier that answers with the next scripted outcome, calling `shown` first unless it fails. */
class ScriptedNotifier implements Notifier {
  readonly shown: NotificationRequest[] = [];
  closed = false;
  constructor(private readonly outcomes: DeliveryOutcome[] = []) {}
  async show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    const outcome = this.outcomes.shift() ?? { kind: 'dismissed' };
    if (outcome.kind !== 'failed') {
      this.shown.push(request);
      progress?.shown();
    }
    return outcome;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(
  outcomes: DeliveryOutcome[] = [],
  settings: Partial<NotificationSettings> = {},
  notifierOverride?: Notifier,
  mode: 'native' | 'off' = 'native',
) {
  const clock = new ManualClock();
  const parsed = NotificationSettingsSchema.parse(settings);
  const notifier = new ScriptedNotifier(outcomes);
  const calls: string[] = [];
  const window = { ...HIDDEN };
  const center = new NotificationCenter({
    sounds: NO_SOUND,
    policy: new NotificationPolicy(parsed, clock),
    notifier: notifierOverride ?? notifier,
    clock,
    settings: () => parsed,
    windowState: () => window,
    acknowledge: async (feedId, alertId) => void calls.push(`ack ${feedId}/${alertId}`),
    open: (feedId, alertId) => void calls.push(`open ${feedId}/${alertId}`),
    showConsole: (alerts) => void calls.push(`show ${alerts.length}`),
    openExternal: (url) => void calls.push(`external ${url}`),
    recordNotified: (feedId, alertId, at) => void calls.push(`notified ${feedId}/${alertId} @${at}`),
    log: (message) => void calls.push(`log ${message}`),
    mode,
  });
  return { clock, notifier, calls, center, window };
}
const feed = (state: FeedStatus['state']): FeedStatus => feedStatus(state, { url: 'wss://x' });

describe('NotificationCenter', () => {
  it('records the notification on the timeline and turns Acknowledge into an ack of that alert', async () => {
    const { center, calls, clock, notifier } = setup([{ kind: 'acknowledge' }]);
    const change = firedChange('critical', 'security');
    center.onCommitted([change]);
    await center.settle();
    expect(notifier.shown).toHaveLength(1);
    expect(calls).toEqual([`notified f/${change.row.alertId} @${clock.now()}`, `ack f/${change.row.alertId}`]);
    expect(center.health()).toMatchObject({ state: 'ok', shown: 1, failed: 0, lastShownAt: clock.now() });
  });

  it('turns Open runbook into opening the runbook outside the console', async () => {
    const { center, calls } = setup([{ kind: 'runbook' }]);
    const change = firedChange('critical', 'security');
    center.onCommitted([{ ...change, row: { ...change.row, runbookUrl: 'https://runbooks.example/priv' } }]);
    await center.settle();
    expect(calls.filter((c) => !c.startsWith('notified'))).toEqual(['external https://runbooks.example/priv']);
  });

  it('withdraws an alert’s notification when the alert is acknowledged or resolved, live only', async () => {
    const withdrawn: string[] = [];
    const notifier = new ScriptedNotifier([]);
    const withdrawing = Object.assign(notifier, {
      withdraw: async (alert: { feedId: string; alertId: string }) => (withdrawn.push(alert.alertId), 1),
    });
    const { center } = setup([], {}, withdrawing);
    const change = firedChange('critical', 'security');
    center.onCommitted([change]);
    const ack = {
      ...change,
      seq: change.seq + 1,
      event: { kind: 'acknowledged', alertId: change.row.alertId, source: 's', at: 1, by: 'bob' },
    } as const;
    center.onCommitted([ack, { ...ack, replayed: true }]);
    await center.settle();
    expect(withdrawn).toEqual([change.row.alertId]);
  });

  it('turns Open into showing that alert, and Open on a digest into showing the console', async () => {
    const { center, calls, clock } = setup([{ kind: 'open' }, { kind: 'open' }], {
      digestThreshold: 1,
      digestDelayMs: 1_000,
    });
    const one = firedChange();
    center.onCommitted([one]);
    center.onCommitted([firedChange(), firedChange()]);
    clock.advance(1_000);
    await center.settle();
    // The digest's Open shows the console on exactly the two alerts it spoke for.
    expect(calls.filter((c) => !c.startsWith('notified'))).toEqual([`open f/${one.row.alertId}`, 'show 2']);
    expect(calls.filter((c) => c.startsWith('notified'))).toHaveLength(3); // the single and both digest members
  });

  it('reports a failed delivery as health the UI can show, logs it, and records nothing', async () => {
    const { center, calls } = setup([
      { kind: 'failed', reason: 'no notification server is running on the session bus' },
    ]);
    const reports: string[] = [];
    center.onHealth((h) => reports.push(`${h.state}: ${h.lastFailure?.reason}`));
    center.onCommitted([firedChange()]);
    await center.settle();
    expect(center.health()).toMatchObject({
      state: 'failing',
      shown: 0,
      failed: 1,
      lastFailure: { reason: 'no notification server is running on the session bus' },
    });
    // First the decision (suppression counts unchanged, nothing delivered yet), then the failure.
    expect(reports).toEqual(['idle: undefined', 'failing: no notification server is running on the session bus']);
    expect(calls).toEqual([expect.stringMatching(/^log notification ".*" was not shown: no notification server/)]);
  });

  it('with notifications off the policy still decides and counts, nothing is shown, and the health says off', async () => {
    const { center: off, calls, notifier } = setup([], {}, undefined, 'off');
    const reports: Array<{ mode: string; state: string; window: number }> = [];
    off.onHealth((h) => reports.push({ mode: h.mode, state: h.state, window: h.suppressed.window }));
    off.onCommitted([firedChange()]);
    await off.settle();
    expect(notifier.shown).toEqual([]);
    expect(calls).toEqual([]); // no "notified" on the timeline
    expect(off.health()).toMatchObject({ mode: 'off', state: 'idle', shown: 0, failed: 0 });
    expect(reports).toEqual([{ mode: 'off', state: 'idle', window: 0 }]); // decided to notify (hidden window), then showed nothing
  });

  it('a notifier that throws counts as failed, never as an unhandled rejection', async () => {
    const { center, clock } = setup([], {}, { show: () => Promise.reject(new Error('boom')) });
    center.onCommitted([firedChange()]);
    await center.settle();
    expect(center.health()).toMatchObject({ state: 'failing', lastFailure: { at: clock.now(), reason: 'boom' } });
  });

  it('a feed lost longer than the threshold is one notification, and its return another', async () => {
    const { center, notifier, clock } = setup([], { feedLossAfterMs: 60_000 });
    center.onFeedStatus(feed('disconnected'));
    clock.advance(30_000);
    center.onFeedStatus(feed('connecting'));
    center.onFeedStatus(feed('disconnected'));
    clock.advance(30_000);
    center.onFeedStatus(feed('stale'));
    clock.advance(600_000);
    expect(notifier.shown.map((r) => r.kind)).toEqual(['feed-lost']);
    center.onFeedStatus(feed('resyncing'));
    center.onFeedStatus(feed('live'));
    center.onFeedStatus(feed('live'));
    await center.settle();
    expect(notifier.shown.map((r) => `${r.kind} ${r.urgency}`)).toEqual(['feed-lost critical', 'feed-back normal']);
  });

  it('a short outage notifies nothing, neither loss nor return', async () => {
    const { center, notifier, clock } = setup([], { feedLossAfterMs: 60_000 });
    center.onFeedStatus(feed('disconnected'));
    clock.advance(59_000);
    center.onFeedStatus(feed('resyncing'));
    clock.advance(120_000);
    center.onFeedStatus(feed('live'));
    await center.settle();
    expect(notifier.shown).toEqual([]);
  });

  it('a feed lost while the window is visible is not notified, and so neither is its return', async () => {
    const { center, notifier, clock, window } = setup([], { feedLossAfterMs: 60_000 });
    window.visible = true;
    window.focused = true;
    center.onFeedStatus(feed('disconnected'));
    clock.advance(60_000);
    window.visible = false;
    center.onFeedStatus(feed('live'));
    await center.settle();
    expect(notifier.shown).toEqual([]);
  });

  it('shows a digest held back by the cap once the cap allows', async () => {
    const { center, notifier, clock } = setup([], { capPerMinute: 1, digestThreshold: 1, digestDelayMs: 1_000 });
    center.onCommitted([firedChange()]);
    center.onCommitted([firedChange(), firedChange()]);
    clock.advance(1_000);
    expect(notifier.shown).toHaveLength(1);
    clock.advance(59_000);
    await center.settle();
    expect(notifier.shown.map((r) => r.title)).toEqual([expect.stringMatching(/^HIGH security/), '2 high alerts']);
  });

  it('close stops the timers and the notifier: nothing is shown after it', async () => {
    const { center, notifier, clock } = setup([], {
      feedLossAfterMs: 60_000,
      digestThreshold: 1,
      digestDelayMs: 1_000,
    });
    center.onFeedStatus(feed('disconnected'));
    center.onCommitted([firedChange()]);
    center.onCommitted([firedChange(), firedChange()]);
    await center.close();
    clock.advance(120_000);
    center.onCommitted([firedChange('critical')]);
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.closed).toBe(true);
    expect(clock.nextTimerAt()).toBeNull();
  });
});
