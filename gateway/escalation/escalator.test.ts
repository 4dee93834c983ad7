import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertEventSchema, type AlertEvent } from '../../common/protocol/alert.js';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { ActionLinks } from './action-links.js';
import { parseEscalationConfig, type EscalationPolicy } from './config.js';
import { Escalator } from './escalator.js';
import type { EscalationStore } from './store.js';
import { directory, ended, fired, openStore, RecordingChannel, StandInPresence } from './test-support.js';

const MINUTE = 60_000;

function policies(input: unknown[]): EscalationPolicy[] {
  const parsed = parseEscalationConfig(
    { publicUrl: 'https://t.example.test', smtp: { host: 'h', port: 25, from: 'x@y' }, policies: input },
    directory,
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value.policies;
}

function rig(
  store: EscalationStore,
  policyList: EscalationPolicy[],
  clock = new ManualClock(),
  isAcknowledged?: (alertId: string) => boolean,
) {
  const presence = new StandInPresence();
  const email = new RecordingChannel();
  const webhook = new RecordingChannel();
  const published: AlertEvent[] = [];
  const escalator = new Escalator(policyList, {
    store,
    directory,
    presence,
    channels: { email, webhook },
    links: new ActionLinks('a-test-secret-of-some-length', 'https://t.example.test', 86_400_000),
    publish: (event) => void published.push(event),
    clock,
    ...(isAcknowledged ? { isAcknowledged } : {}),
  });
  const comments = () => published.map((e) => (e.kind === 'commented' ? e.comment : e.kind));
  /** Move the clock by `ms`, letting every send that falls due finish. */
  const advance = async (ms: number) => {
    const end = clock.now() + ms;
    for (;;) {
      await escalator.idle();
      const next = clock.nextTimerAt();
      if (next === null || next > end) break;
      clock.advance(next - clock.now());
    }
    clock.advance(end - clock.now());
    await escalator.idle();
  };
  return { clock, presence, email, webhook, published, escalator, comments, advance };
}

const twoSteps = () =>
  policies([
    {
      name: 'ops',
      steps: [
        { after: 5 * MINUTE, notify: ['ops'], via: ['email'], onlyWhenAway: true },
        { after: 10 * MINUTE, afterPrevious: true, notify: ['ann'], via: ['webhook'] },
      ],
    },
  ]);

describe('the escalation ladder', () => {
  it('e-mails the people away after 5 minutes, skips the one watching, then the webhook 10 minutes later', async () => {
    const { store } = openStore();
    const t = rig(store, twoSteps());
    t.escalator.start();
    t.presence.watched.add('bob');
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(5 * MINUTE - 1);
    expect(t.email.sent).toEqual([]);
    await t.advance(1);
    expect(t.email.sent.map((n) => n.person.id)).toEqual(['ann']);
    expect(t.email.sent[0]!.ackUrl).toMatch(/^https:\/\/t\.example\.test\/v1\/ack\?t=[\w-]+\.[\w-]+$/);
    expect(t.email.sent[0]!.consoleUrl).toBe('https://t.example.test/console#/alert/a1');
    expect(t.comments()).toEqual([
      'escalated to Ann by e-mail: delivered',
      'not escalated to Bob by e-mail: watching a console',
    ]);
    expect(t.published[0]).toMatchObject({ kind: 'commented', alertId: 'a1', source: 'demo', by: 'escalation' });
    await t.advance(10 * MINUTE);
    expect(t.webhook.sent.map((n) => n.person.id)).toEqual(['ann']);
    expect(store.rows('a1').map((r) => r.state)).toEqual(['sent', 'skipped', 'sent']);
  });

  it('fires at once when nobody on the team is watching', async () => {
    const { store } = openStore();
    const t = rig(store, policies([{ name: 'ops', team: 'ops' }]));
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(0);
    expect(t.email.sent.map((n) => n.person.id)).toEqual(['ann', 'bob']);
  });

  it('fires a waiting step at once when the last person watching goes away', async () => {
    const { store } = openStore();
    const t = rig(store, policies([{ name: 'ops', team: 'ops' }]));
    t.escalator.start();
    t.presence.watched.add('bob');
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(MINUTE);
    t.escalator.presenceChanged();
    await t.advance(0);
    expect(t.email.sent).toEqual([]);
    t.presence.watched.delete('bob');
    t.escalator.presenceChanged();
    await t.advance(0);
    expect(t.email.sent.map((n) => n.person.id)).toEqual(['ann', 'bob']);
    await t.advance(4 * MINUTE);
    expect(t.email.sent).toHaveLength(2);
    expect(t.published.every((e) => AlertEventSchema.safeParse(e).success)).toBe(true);
  });

  it('ignores alerts no policy matches, and re-fires of an alert already escalating', async () => {
    const { store } = openStore();
    const t = rig(store, twoSteps());
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('low', t.clock.now(), { severity: 'info' }) }]);
    t.escalator.onEvents([{ seq: 2, event: fired('a1', t.clock.now()) }]);
    await t.advance(MINUTE);
    t.escalator.onEvents([{ seq: 3, event: fired('a1', t.clock.now()) }]);
    await t.advance(4 * MINUTE);
    expect(t.email.sent.map((n) => n.fired.alertId)).toEqual(['a1', 'a1']);
    expect(store.rows('low')).toEqual([]);
  });

  it('starts a ladder when a re-fire raises an alert to a severity a policy matches, unless it is acknowledged', async () => {
    const { store } = openStore();
    const acknowledged = new Set(['a2']);
    const t = rig(store, twoSteps(), new ManualClock(), (alertId) => acknowledged.has(alertId));
    t.escalator.start();
    for (const id of ['a1', 'a2'])
      t.escalator.onEvents([{ seq: 1, event: fired(id, t.clock.now(), { severity: 'high' }) }]);
    await t.advance(MINUTE);
    expect(store.rows('a1')).toEqual([]);
    // Raised to critical at the source (Zabbix's "changed severity"): the policy matches now.
    for (const id of ['a1', 'a2']) t.escalator.onEvents([{ seq: 2, event: fired(id, t.clock.now()) }]);
    await t.advance(5 * MINUTE);
    expect(t.email.sent.map((n) => n.fired.alertId)).toEqual(['a1', 'a1']);
    expect(store.rows('a2')).toEqual([]);
  });

  it.each(['acknowledged', 'resolved'] as const)('cancels every pending step when %s before a step', async (kind) => {
    const { store } = openStore();
    const t = rig(store, twoSteps());
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(MINUTE);
    t.escalator.onEvents([{ seq: 2, event: ended(kind, 'a1', t.clock.now()) }]);
    await t.advance(60 * MINUTE);
    expect(t.email.sent).toEqual([]);
    expect(new Set(store.rows('a1').map((r) => r.state))).toEqual(new Set(['cancelled']));
    expect(t.clock.nextTimerAt()).toBeNull();
  });

  it('acknowledged during a step: the send under way is recorded, the rest are cancelled', async () => {
    const { store } = openStore();
    const t = rig(store, twoSteps());
    let open!: () => void;
    t.email.gate = new Promise((resolve) => (open = resolve));
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(5 * MINUTE - 1);
    t.clock.advance(1);
    expect(store.rows('a1').map((r) => r.state)).toEqual(['sending', 'pending', 'pending']);
    t.escalator.onEvents([{ seq: 2, event: ended('acknowledged', 'a1', t.clock.now()) }]);
    open();
    await t.advance(60 * MINUTE);
    expect(store.rows('a1').map((r) => r.state)).toEqual(['sent', 'cancelled', 'cancelled']);
    expect(t.webhook.sent).toEqual([]);
  });

  it('acknowledged after a step: it stays sent, the next is cancelled', async () => {
    const { store } = openStore();
    const t = rig(store, twoSteps());
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(6 * MINUTE);
    t.escalator.onEvents([{ seq: 2, event: ended('acknowledged', 'a1', t.clock.now()) }]);
    await t.advance(60 * MINUTE);
    expect(store.rows('a1').map((r) => r.state)).toEqual(['sent', 'sent', 'cancelled']);
    // Both people reached are told it needs nobody now, once each; the cancelled step's person is not.
    await t.escalator.stop();
    expect(t.email.settled.sort()).toEqual(['ann a1 acknowledged by ann', 'bob a1 acknowledged by ann']);
    expect(t.webhook.settled).toEqual([]);
    t.escalator.start();
    // An acknowledged alert firing again does not start over.
    t.escalator.onEvents([{ seq: 3, event: fired('a1', t.clock.now()) }]);
    await t.advance(60 * MINUTE);
    expect(t.email.sent).toHaveLength(2);
  });

  it('retries a failing send with backoff, recording each failure', async () => {
    const { store } = openStore();
    const t = rig(store, policies([{ name: 'p', steps: [{ after: 0, notify: ['ann'], via: ['email'] }] }]));
    t.email.failures = ['connect ECONNREFUSED 127.0.0.1:2525', '550 mailbox unavailable'];
    t.escalator.start();
    const start = t.clock.now();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', start) }]);
    await t.advance(0);
    expect(store.rows('a1')[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
      due_at: start + 30_000,
      last_error: 'connect ECONNREFUSED 127.0.0.1:2525',
    });
    await t.advance(30_000);
    expect(store.rows('a1')[0]).toMatchObject({ state: 'pending', attempts: 2, due_at: start + 90_000 });
    await t.advance(59_999);
    expect(t.email.sent).toEqual([]);
    await t.advance(1);
    expect(store.rows('a1')[0]).toMatchObject({ state: 'sent', attempts: 3, sent_at: start + 90_000 });
    expect(t.comments()).toEqual([
      'escalated to Ann by e-mail failed: connect ECONNREFUSED 127.0.0.1:2525, retrying',
      'escalated to Ann by e-mail failed: 550 mailbox unavailable, retrying',
      'escalated to Ann by e-mail: delivered',
    ]);
  });

  it('gives up after 5 attempts', async () => {
    const { store } = openStore();
    const t = rig(store, policies([{ name: 'p', steps: [{ after: 0, notify: ['ann'], via: ['email'] }] }]));
    t.email.failures = Array(5).fill('down');
    t.escalator.start();
    t.escalator.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await t.advance(60 * MINUTE);
    expect(store.rows('a1')[0]).toMatchObject({ state: 'failed', attempts: 5 });
    expect(t.comments().at(-1)).toBe('escalated to Ann by e-mail failed: down, giving up after 5 attempts');
  });

  it('a restart neither loses a due step nor repeats a sent one; a send cut off is reported, not resent', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-esc-')), 'journal.sqlite');
    const first = openStore(path);
    const clock = new ManualClock();
    const one = rig(first.store, twoSteps(), clock);
    one.escalator.start();
    one.escalator.onEvents([
      { seq: 1, event: fired('a1', clock.now()) },
      { seq: 2, event: fired('a2', clock.now() + MINUTE) },
    ]);
    await one.advance(5 * MINUTE);
    expect(one.email.sent.map((n) => `${n.fired.alertId} ${n.person.id}`)).toEqual(['a1 ann', 'a1 bob']);
    await one.escalator.stop();
    // a2's first e-mail to Ann was being sent when the gateway died.
    first.db
      .prepare("UPDATE escalation_steps SET state = 'sending' WHERE alert_id = 'a2' AND person = 'ann' AND step = 0")
      .run();
    first.db.close();

    clock.advance(30 * MINUTE);
    const second = openStore(path);
    const two = rig(second.store, twoSteps(), clock);
    two.escalator.start();
    await two.advance(0);
    expect(two.comments()).toEqual([
      'escalated to Ann by e-mail: delivery unknown (the gateway stopped while sending; not resent)',
      'escalated to Bob by e-mail: delivered',
      'escalated to Ann by webhook: delivered',
      'escalated to Ann by webhook: delivered',
    ]);
    expect(two.email.sent.map((n) => `${n.fired.alertId} ${n.person.id}`)).toEqual(['a2 bob']);
    expect(two.webhook.sent.map((n) => n.fired.alertId)).toEqual(['a1', 'a2']);
    await two.advance(60 * MINUTE);
    expect(two.email.sent).toHaveLength(1);
  });
});
