import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { CommittedChange } from '../pipeline/observer.js';
import type { Category, Severity } from '../protocol/alert.js';
import { digestText, hostPattern } from './digest.js';
import { NotificationPolicy } from './policy.js';
import { DEFAULT_NOTIFICATION_SETTINGS, NotificationSettingsSchema } from './settings.js';

const HIDDEN = { visible: false, minimized: false, focused: false };
const VISIBLE = { visible: true, minimized: false, focused: true };
let seq = 0;
function fired(severity: Severity = 'high', category: Category = 'security', host = 'db-01', extra: Partial<CommittedChange> = {}): CommittedChange {
  seq++;
  const alertId = `a${seq}`;
  return {
    feedId: 'f', seq, replayed: false,
    event: { kind: 'fired', alertId, source: 's', at: 0, alert: { title: `t${seq}`, body: 'b', severity, category, host, labels: {}, startsAt: 0 } },
    row: { feedId: 'f', alertId, source: 's', title: `t${seq}`, body: 'b', severity, category, host, labels: {}, startsAt: 0, status: 'firing', acknowledged: null, snoozedUntil: null, firstSeq: seq, lastSeq: seq, updatedAt: 0 },
    ...extra,
  };
}

describe('NotificationPolicy', () => {
  it('notifies one hidden-window security alert once, with the alert attached and critical urgency for critical', () => {
    const policy = new NotificationPolicy(DEFAULT_NOTIFICATION_SETTINGS, new ManualClock());
    const [request, ...rest] = policy.decide([fired('critical', 'security')], HIDDEN);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({ kind: 'alert', urgency: 'critical', alert: { feedId: 'f' } });
  });

  it('stays silent while the window is visible, for low severities, other categories, replays and repeats', () => {
    const policy = new NotificationPolicy(DEFAULT_NOTIFICATION_SETTINGS, new ManualClock());
    expect(policy.decide([fired()], VISIBLE)).toEqual([]);
    expect(policy.decide([fired('warning')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('critical', 'performance')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('high', 'outage', 'db-01', { replayed: true })], HIDDEN)).toEqual([]);
    const repeat = fired();
    expect(policy.decide([{ ...repeat, row: { ...repeat.row, firstSeq: 1 } }], HIDDEN)).toEqual([]);
    expect(policy.suppressed).toMatchObject({ window: 1, filtered: 2 });
  });

  it('turns a storm of 1,000 alerts into a few digests within the per-minute cap', () => {
    const clock = new ManualClock();
    const policy = new NotificationPolicy(DEFAULT_NOTIFICATION_SETTINGS, clock);
    const shown = [];
    for (let i = 0; i < 1000; i++) {
      shown.push(...policy.decide([fired(i % 7 === 0 ? 'critical' : 'high', i % 5 === 0 ? 'security' : 'outage', `db-${String(i % 30).padStart(2, '0')}`)], HIDDEN));
      if (i % 20 === 0) clock.advance(100);
      const due = policy.digestDueAt();
      if (due !== null && clock.now() >= due) shown.push(policy.takeDigest()!);
    }
    shown.push(policy.takeDigest()!);
    expect(shown.filter((n) => n.kind === 'alert')).toHaveLength(DEFAULT_NOTIFICATION_SETTINGS.digestThreshold);
    const digests = shown.filter((n) => n.kind === 'digest');
    expect(digests.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(DEFAULT_NOTIFICATION_SETTINGS.capPerMinute);
    expect(digests[0]!.body).toMatch(/^\d+ new alerts: \d+ outage on db-\*, \d+ security on db-\*$/);
    expect(policy.suppressed.digested).toBe(1000 - DEFAULT_NOTIFICATION_SETTINGS.digestThreshold);
  });

  it('applies the per-alert cooldown, quiet hours with a critical bypass, snooze and pause', () => {
    const clock = new ManualClock(new Date(2026, 10, 22, 23, 0).getTime());
    const settings = NotificationSettingsSchema.parse({ quietHours: { enabled: true, start: '22:00', end: '07:00', criticalBypass: true } });
    const policy = new NotificationPolicy(settings, clock);
    expect(policy.decide([fired('high')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('critical')], HIDDEN)).toHaveLength(1);
    policy.snooze(1);
    expect(policy.decide([fired('critical')], HIDDEN)).toEqual([]);
    clock.advance(3600_001);
    policy.setPaused(true);
    expect(policy.decide([fired('critical')], HIDDEN)).toEqual([]);
    expect(policy.suppressed).toMatchObject({ quiet_hours: 1, snoozed: 2 });
  });

  it('writes digests people can read at 3 a.m.', () => {
    expect(hostPattern(['db-01', 'db-02', 'db-17'])).toBe('db-*');
    expect(hostPattern(['web-01', 'db-02'])).toBeNull();
    const rows = [...Array.from({ length: 30 }, (_, i) => fired('high', 'outage', `db-${i}`).row), ...Array.from({ length: 7 }, () => fired('high', 'security', 'vpn-01').row)];
    expect(digestText(rows).body).toBe('37 new alerts: 30 outage on db-*, 7 security on vpn-01');
  });
});
