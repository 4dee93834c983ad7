import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../common/api/contract.js';
import { firedChange as fired, refired } from '../../../tests/support/committed-changes.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { NotificationPolicy } from './policy.js';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NotificationSettingsSchema,
  type NotificationSettings,
} from '../../../common/notify/settings.js';
import { feedStatus } from '../../../tests/support/feed-status.js';

const HIDDEN = { visible: false, minimized: false, focused: false };
const MINIMIZED = { visible: true, minimized: true, focused: false };
const UNFOCUSED = { visible: true, minimized: false, focused: false };
const VISIBLE = { visible: true, minimized: false, focused: true };
const UTC = { utcOffsetMinutes: () => 0 };
const policyWith = (settings: Partial<NotificationSettings> = {}, clock = new ManualClock()) =>
  new NotificationPolicy(NotificationSettingsSchema.parse(settings), clock, UTC);
const feed = (state: FeedStatus['state'], since = 0): FeedStatus =>
  feedStatus(state, { url: 'wss://x', since, lastError: 'ECONNREFUSED' });

describe('NotificationPolicy', () => {
  it('notifies a hidden-window security alert once, with the alert attached; urgency critical only for critical', () => {
    const policy = policyWith();
    const [critical, ...rest] = policy.decide([fired('critical', 'security')], HIDDEN);
    expect(rest).toEqual([]);
    expect(critical).toMatchObject({
      kind: 'alert',
      urgency: 'critical',
      alert: { feedId: 'f' },
      title: expect.stringMatching(/^CRITICAL security: /),
    });
    expect(critical!.covers).toEqual([critical!.alert]);
    expect(policy.decide([fired('high', 'outage')], HIDDEN)[0]).toMatchObject({ urgency: 'normal' });
  });

  it('gives an alert with an https runbook an Open runbook action, and no other link', () => {
    const policy = policyWith();
    const withRunbook = (url: string) => {
      const change = fired('critical', 'security');
      return policy.decide([{ ...change, row: { ...change.row, runbookUrl: url } }], HIDDEN)[0]!;
    };
    expect(withRunbook('https://runbooks.example/priv-esc')).toMatchObject({
      runbook: 'https://runbooks.example/priv-esc',
    });
    expect(withRunbook('http://wiki.internal/priv-esc')).not.toHaveProperty('runbook');
    expect(withRunbook('file:///etc/passwd')).not.toHaveProperty('runbook');
  });

  it('notifies alerts missed while disconnected: a recent replay still firing at the end of its batch, saying when it fired', () => {
    const clock = new ManualClock();
    const policy = policyWith({}, clock);
    const at = clock.now() - 4 * 60_000;
    const missed = fired('critical', 'security', 'bastion-01', { replayed: true });
    const [request, ...rest] = policy.decide([{ ...missed, event: { ...missed.event, at } }], HIDDEN);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({
      kind: 'alert',
      urgency: 'critical',
      body: expect.stringMatching(/^Fired 4 min ago, while this console was disconnected\. b — bastion-01/),
    });
    // Older than missedWithinMs (15 min by default): history only.
    const old = fired('critical', 'security', 'db-01', { replayed: true });
    expect(policy.decide([{ ...old, event: { ...old.event, at: clock.now() - 16 * 60_000 } }], HIDDEN)).toEqual([]);
    // Fired and resolved (or acknowledged) while away, within the same replayed batch: nothing to wake anyone for.
    const flapped = fired('critical', 'security', 'web-01', { replayed: true });
    const resolvedLater = {
      ...flapped,
      seq: flapped.seq + 1000,
      event: { kind: 'resolved' as const, alertId: flapped.row.alertId, source: 's', at, endsAt: at },
      row: { ...flapped.row, status: 'resolved' as const },
    };
    expect(policy.decide([{ ...flapped, event: { ...flapped.event, at } }, resolvedLater], HIDDEN)).toEqual([]);
    // missedWithinMs 0: replays never notify.
    const never = policyWith({ missedWithinMs: 0 }, clock);
    const recent = fired('critical', 'security', 'db-02', { replayed: true });
    expect(never.decide([{ ...recent, event: { ...recent.event, at } }], HIDDEN)).toEqual([]);
  });

  it('follows the window setting: hidden and minimised by default, unfocused when asked, never while visible', () => {
    const policy = policyWith();
    expect(policy.decide([fired()], MINIMIZED)).toHaveLength(1);
    expect(policy.decide([fired()], UNFOCUSED)).toEqual([]);
    expect(policy.decide([fired()], VISIBLE)).toEqual([]);
    const eager = policyWith({ when: { hidden: true, minimized: true, unfocused: true } });
    expect(eager.decide([fired()], UNFOCUSED)).toHaveLength(1);
    expect(eager.decide([fired()], VISIBLE)).toEqual([]);
    expect(policy.suppressed.window).toBe(2);
  });

  it('stays silent for low severities, other categories, replays, repeats, acknowledged and snoozed alerts, and non-fired events', () => {
    const policy = policyWith();
    expect(policy.decide([fired('warning')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('critical', 'performance')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('high', 'outage', 'db-01', { replayed: true })], HIDDEN)).toEqual([]);
    const repeat = fired();
    expect(policy.decide([{ ...repeat, row: { ...repeat.row, firstSeq: repeat.seq - 1 } }], HIDDEN)).toEqual([]);
    const acked = fired();
    expect(policy.decide([{ ...acked, row: { ...acked.row, acknowledged: { by: 'ann', at: 1 } } }], HIDDEN)).toEqual(
      [],
    );
    const snoozed = fired();
    expect(
      policy.decide([{ ...snoozed, row: { ...snoozed.row, snoozedUntil: Number.MAX_SAFE_INTEGER } }], HIDDEN),
    ).toEqual([]);
    const resolved = fired();
    expect(
      policy.decide(
        [{ ...resolved, event: { kind: 'resolved', alertId: resolved.row.alertId, source: 's', at: 0, endsAt: 0 } }],
        HIDDEN,
      ),
    ).toEqual([]);
    expect(policy.suppressed).toMatchObject({ filtered: 4 });
    expect(
      policyWith({ minSeverity: 'warning', categories: ['performance'] }).decide(
        [fired('warning', 'performance')],
        HIDDEN,
      ),
    ).toHaveLength(1);
  });

  it('notifies one alert at most once per cooldown, even when it flaps', () => {
    const clock = new ManualClock();
    const policy = policyWith({ cooldownMs: 60_000 }, clock);
    const first = fired('critical');
    expect(policy.decide([first], HIDDEN)).toHaveLength(1);
    clock.advance(59_999);
    expect(policy.decide([refired(first)], HIDDEN)).toEqual([]);
    clock.advance(1);
    expect(policy.decide([refired(first)], HIDDEN)).toHaveLength(1);
    expect(policy.suppressed.cooldown).toBe(1);
  });

  it('gathers a burst past the threshold into one digest that names the alerts, due after the digest delay', () => {
    const clock = new ManualClock();
    const policy = policyWith({ digestThreshold: 3, digestDelayMs: 5_000 }, clock);
    const burst = [1, 2, 3, 4, 5].map((i) => fired('high', 'outage', `db-0${i}`));
    expect(policy.decide(burst, HIDDEN)).toEqual([]);
    expect(policy.digestDueAt()).toBe(clock.now() + 5_000);
    clock.advance(5_000);
    const digest = policy.takeDigest();
    expect(digest).toMatchObject({
      kind: 'digest',
      title: '5 high alerts',
      body: `${burst[0]!.row.title} on db-01, ${burst[1]!.row.title} on db-02 and 3 more (5 outage on db-*)`,
      urgency: 'normal',
    });
    expect(digest!.covers).toHaveLength(5);
    expect(digest!.acknowledges).toEqual(digest!.covers);
    expect(policy.digestDueAt()).toBeNull();
    expect(policy.suppressed.digested).toBe(5);
  });

  it('lets an alert of another kind break through a gathering storm at once, on its own, counted', () => {
    const clock = new ManualClock();
    const policy = policyWith({ digestThreshold: 3, digestDelayMs: 5_000 }, clock);
    policy.decide(
      [1, 2, 3, 4, 5].map((i) => fired('high', 'outage', `db-0${i}`)),
      HIDDEN,
    );
    const [intrusion, ...rest] = policy.decide([fired('critical', 'security', 'vpn-01')], HIDDEN);
    expect(rest).toEqual([]);
    expect(intrusion).toMatchObject({ kind: 'alert', title: expect.stringMatching(/^CRITICAL security: /) });
    expect(policy.breakthroughs).toBe(1);
    expect(policy.digestDueAt()).toBe(clock.now() + 5_000); // the outage storm still waits for its digest
  });

  it('never holds a critical alert back by the digest delay, and a digest of one alert is its own notification', () => {
    const clock = new ManualClock();
    const policy = policyWith({ digestThreshold: 1, digestDelayMs: 5_000 }, clock);
    const [first] = policy.decide([fired('critical', 'outage', 'db-01')], HIDDEN);
    expect(first).toMatchObject({ kind: 'alert' });
    const second = fired('critical', 'outage', 'db-02');
    expect(policy.decide([second], HIDDEN)).toEqual([]); // past the threshold: gathered…
    expect(policy.digestDueAt()).toBe(clock.now()); // …but due at once
    expect(policy.takeDigest()).toMatchObject({
      kind: 'alert',
      alert: { alertId: second.row.alertId },
      acknowledges: [{ alertId: second.row.alertId }],
    });
  });

  it('turns a storm of 1,000 alerts into digests within the per-minute cap, every alert accounted for', () => {
    const clock = new ManualClock();
    const settings = DEFAULT_NOTIFICATION_SETTINGS;
    const policy = new NotificationPolicy(settings, clock, UTC);
    const shown: Array<{ at: number; kind: string; title: string; body: string }> = [];
    const takeDue = () => {
      const due = policy.digestDueAt();
      if (due === null || clock.now() < due) return;
      const digest = policy.takeDigest();
      if (digest) shown.push({ at: clock.now(), ...digest });
    };
    for (let i = 0; i < 1000; i++) {
      const severity = i % 7 === 0 ? 'critical' : 'high';
      for (const n of policy.decide(
        [fired(severity, i % 5 === 0 ? 'security' : 'outage', `db-${String(i % 30).padStart(2, '0')}`)],
        HIDDEN,
      ))
        shown.push({ at: clock.now(), ...n });
      clock.advance(30); // 1,000 alerts in 30 s
      takeDue();
    }
    while (policy.digestDueAt() !== null) {
      clock.advance(Math.max(0, policy.digestDueAt()! - clock.now()));
      takeDue();
    }
    // Four storms (critical and high, security and outage), each digested and capped on its own.
    const storms = new Set(shown.map((n) => n.title.replace(/^\d+ /, '').split(':')[0]));
    const singles = shown.filter((n) => n.kind === 'alert');
    const digests = shown.filter((n) => n.kind === 'digest');
    expect(singles.length).toBeLessThanOrEqual(4 * settings.digestThreshold + digests.length);
    expect(digests[0]!.body).toMatch(/ and \d+ more \(\d+ (outage|security) on db-\*\)$/);
    const stormOf = (n: { title: string; urgency?: string }) =>
      n.title.replace(/^\d+ /, '').split(' ')[0]!.toLowerCase();
    for (const n of shown)
      expect(
        shown.filter((m) => stormOf(m) === stormOf(n) && m.at >= n.at && m.at < n.at + 60_000).length,
      ).toBeLessThanOrEqual(2 * settings.capPerMinute); // per severity: two categories, each capped
    const told = shown.reduce((sum, n) => sum + (n.kind === 'digest' ? Number(n.title.split(' ')[0]) : 1), 0);
    expect(told).toBe(1000);
    expect(storms.size).toBeGreaterThan(1);
    expect(shown.length).toBeLessThanOrEqual(4 * settings.capPerMinute + 4);
  });

  it('holds a digest back while the cap is reached, and shows it, with everything gathered, when the cap allows', () => {
    const clock = new ManualClock();
    const policy = policyWith({ capPerMinute: 2, digestThreshold: 1, digestDelayMs: 1_000 }, clock);
    expect(policy.decide([fired()], HIDDEN)).toHaveLength(1); // single: 1 of 2 this minute
    policy.decide([fired(), fired()], HIDDEN);
    clock.advance(1_000);
    expect(policy.takeDigest()).toMatchObject({ title: '2 high alerts' }); // 2 of 2
    policy.decide([fired(), fired(), fired()], HIDDEN);
    clock.advance(1_000);
    expect(policy.takeDigest()).toBeNull(); // capped: held back, not lost
    expect(policy.digestDueAt()).toBe(clock.now() - 2_000 + 60_000);
    policy.decide([fired()], HIDDEN);
    clock.advance(policy.digestDueAt()! - clock.now());
    expect(policy.takeDigest()).toMatchObject({ title: '4 high alerts' });
  });

  it('keeps quiet hours on the local clock, across midnight, letting critical through when asked', () => {
    const at = (hhmm: string) => Date.UTC(2026, 10, 22, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)));
    const clock = new ManualClock(at('23:00'));
    const policy = policyWith(
      { quietHours: { enabled: true, start: '22:00', end: '07:00', criticalBypass: true } },
      clock,
    );
    expect(policy.decide([fired('high')], HIDDEN)).toEqual([]);
    expect(policy.decide([fired('critical')], HIDDEN)).toHaveLength(1);
    clock.advance(at('07:00') + 86_400_000 - at('23:00'));
    expect(policy.decide([fired('high')], HIDDEN)).toHaveLength(1);
    const strict = policyWith(
      { quietHours: { enabled: true, start: '12:00', end: '13:00', criticalBypass: false } },
      new ManualClock(at('12:30')),
    );
    expect(strict.decide([fired('critical')], HIDDEN)).toEqual([]);
    expect(policy.suppressed.quiet_hours + strict.suppressed.quiet_hours).toBe(2);
  });

  it('snoozes for 1/4/8 hours and pauses until resumed; the tray sees both', () => {
    const clock = new ManualClock();
    const policy = policyWith({}, clock);
    policy.snooze(4);
    expect(policy.state()).toEqual({ snoozedUntil: clock.now() + 4 * 3600_000, paused: false });
    expect(policy.decide([fired('critical')], HIDDEN)).toEqual([]);
    clock.advance(4 * 3600_000);
    expect(policy.state().snoozedUntil).toBeNull();
    expect(policy.decide([fired('critical')], HIDDEN)).toHaveLength(1);
    policy.snooze(1);
    policy.snooze(0);
    expect(policy.state().snoozedUntil).toBeNull();
    policy.setPaused(true);
    expect(policy.decide([fired('critical')], HIDDEN)).toEqual([]);
    policy.setPaused(false);
    expect(policy.decide([fired('critical')], HIDDEN)).toHaveLength(1);
    expect(policyWith({ enabled: false }).decide([fired('critical')], HIDDEN)).toEqual([]);
    expect(policy.suppressed).toMatchObject({ snoozed: 1, paused: 1 });
    expect(() => policy.snooze(-1)).toThrow(RangeError);
  });

  it('words a lost feed (critical, bypassing quiet hours) and its return, within the same rules', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 23, 0));
    const policy = policyWith(
      { quietHours: { enabled: true, start: '22:00', end: '07:00', criticalBypass: true } },
      clock,
    );
    expect(policy.feedLost(feed('disconnected', clock.now() - 120_000), HIDDEN)).toMatchObject({
      kind: 'feed-lost',
      urgency: 'critical',
      title: 'Feed lost: prod',
      body: 'No connection from prod for 2 min (ECONNREFUSED). Alerts from this feed are not reaching you.',
    });
    expect(policy.feedBack(feed('live'), HIDDEN)).toBeNull(); // normal urgency: quiet hours hold it
    expect(policyWith().feedBack(feed('live'), HIDDEN)).toMatchObject({ kind: 'feed-back', urgency: 'normal' });
    expect(policyWith().feedLost(feed('stale'), VISIBLE)).toBeNull();
  });

  it('adds the chosen sound per severity', () => {
    const policy = policyWith({ sounds: { critical: 'alarm-clock-elapsed' } });
    expect(policy.decide([fired('critical')], HIDDEN)[0]!.sound).toBe('alarm-clock-elapsed');
    expect(policy.decide([fired('high')], HIDDEN)[0]!.sound).toBeUndefined();
  });
});
