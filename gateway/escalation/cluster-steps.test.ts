/**
 * Two gateways' escalators on one shared step ledger (in memory; the real one is KV on
 * nats-server, tests/cluster/escalation-failover.test.ts): only the leader sends, the other takes
 * on what was recorded when it leads, a step claimed and never settled becomes `unknown` once,
 * and a retry is carried over with its attempts and due time.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { MemorySharedMap } from '../../tests/support/memory-shared-map.js';
import { ActionLinks } from './action-links.js';
import { ClusterStepGate } from './cluster-steps.js';
import { parseEscalationConfig } from './config.js';
import { Escalator } from './escalator.js';
import { StepLedger, type LedgerRecord } from './step-ledger.js';
import { directory, fired, openStore, RecordingChannel, StandInPresence } from './test-support.js';

const policies = () => {
  const parsed = parseEscalationConfig(
    {
      publicUrl: 'https://t.example.test',
      smtp: { host: 'h', port: 25, from: 'x@y' },
      policies: [
        {
          name: 'ops',
          steps: [
            { after: 0, notify: ['ann'], via: ['email'] },
            { after: 60_000, notify: ['bob'], via: ['email'] },
          ],
        },
      ],
    },
    directory,
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value.policies;
};

function gateway(name: string, map: MemorySharedMap<LedgerRecord>, clock: ManualClock, leads: { now: string }) {
  const { store } = openStore();
  const email = new RecordingChannel();
  const published: AlertEvent[] = [];
  const escalator = new Escalator(policies(), {
    store,
    directory,
    presence: new StandInPresence(),
    channels: { email },
    links: new ActionLinks('a-test-secret-of-some-length', 'https://t.example.test', 86_400_000),
    publish: (event) => void published.push(event),
    clock,
    gate: new ClusterStepGate(new StepLedger(map, name), store, () => leads.now === name),
  });
  const comments = () => published.flatMap((e) => (e.kind === 'commented' ? [e.comment] : []));
  return { store, email, escalator, comments };
}

async function settle(...escalators: Escalator[]) {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const escalator of escalators) await escalator.idle();
  }
}

describe('escalation steps on a shared ledger', () => {
  it('sends from the leader only; the next leader takes the sent step on and sends the next one', async () => {
    const clock = new ManualClock(1_000);
    const map = new MemorySharedMap<LedgerRecord>();
    const leads = { now: 'a' };
    const a = gateway('a', map, clock, leads);
    const b = gateway('b', map, clock, leads);
    for (const g of [a, b]) g.escalator.start();
    const event = fired('x', 1_000);
    for (const g of [a, b]) g.escalator.onEvents([{ seq: 1, event }]);
    await settle(a.escalator, b.escalator);
    expect(a.email.sent.map((n) => n.person.id)).toEqual(['ann']);
    expect(b.email.sent).toEqual([]);
    expect(b.store.rows('x').map((r) => r.state)).toEqual(['pending', 'pending']);

    // a dies; b leads: step 0 is taken on as sent (not resent), step 1 sent when due.
    leads.now = 'b';
    b.escalator.leadershipChanged(true);
    await settle(b.escalator);
    expect(b.store.rows('x').map((r) => r.state)).toEqual(['sent', 'pending']);
    expect(b.email.sent).toEqual([]);
    clock.advance(60_000);
    await settle(b.escalator);
    expect(b.email.sent.map((n) => n.person.id)).toEqual(['bob']);
    expect(b.comments()).toEqual(['escalated to Bob by e-mail: delivered']);
    expect((await map.entries()).map(([, r]) => r.state).sort()).toEqual(['sent', 'sent']);
  });

  it('marks a step its dead leader claimed but never settled unknown, once, and never resends it', async () => {
    const clock = new ManualClock(1_000);
    const map = new MemorySharedMap<LedgerRecord>();
    const leads = { now: 'a' };
    const a = gateway('a', map, clock, leads);
    const b = gateway('b', map, clock, leads);
    const c = gateway('c', map, clock, leads);
    let release!: () => void;
    a.email.gate = new Promise((resolve) => (release = resolve)); // a's send hangs: it dies mid-send
    const event = fired('y', 1_000);
    for (const g of [a, b, c]) {
      g.escalator.start();
      g.escalator.onEvents([{ seq: 1, event }]);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await map.entries()).map(([, r]) => r.state)).toEqual(['sending']);
    leads.now = 'b';
    b.escalator.leadershipChanged(true);
    await settle(b.escalator);
    leads.now = 'c';
    c.escalator.leadershipChanged(true);
    await settle(c.escalator);
    expect(b.store.rows('y')[0]!.state).toBe('unknown');
    expect(c.store.rows('y')[0]!.state).toBe('unknown');
    expect([...b.comments(), ...c.comments()]).toEqual([
      'escalated to Ann by e-mail: delivery unknown (the gateway stopped while sending; not resent)',
    ]);
    expect(b.email.sent).toEqual([]);
    expect(c.email.sent).toEqual([]);
    release();
  });

  it('carries a failing step over with its attempts and the time its retry is due', async () => {
    const clock = new ManualClock(1_000);
    const map = new MemorySharedMap<LedgerRecord>();
    const leads = { now: 'a' };
    const a = gateway('a', map, clock, leads);
    const b = gateway('b', map, clock, leads);
    a.email.failures = ['connection refused'];
    const event = fired('z', 1_000);
    for (const g of [a, b]) {
      g.escalator.start();
      g.escalator.onEvents([{ seq: 1, event }]);
    }
    await settle(a.escalator, b.escalator);
    const [, record] = (await map.entries())[0]!;
    expect(record).toMatchObject({ state: 'retrying', attempts: 1, error: 'connection refused', by: 'a' });
    leads.now = 'b';
    b.escalator.leadershipChanged(true);
    await settle(b.escalator);
    expect(b.store.rows('z')[0]).toMatchObject({ state: 'pending', attempts: 1, due_at: record.dueAt });
    expect(b.email.sent).toEqual([]);
    clock.advance(record.dueAt! - clock.now());
    await settle(b.escalator);
    expect(b.email.sent.map((n) => n.person.id)).toEqual(['ann']);
    expect((await map.entries())[0]![1]).toMatchObject({ state: 'sent', attempts: 2, by: 'b' });
  });

  it('tries a step again later when the ledger cannot be reached, instead of losing it', async () => {
    const clock = new ManualClock(1_000);
    const map = new MemorySharedMap<LedgerRecord>();
    let down = true;
    const putIf = map.putIf.bind(map);
    map.putIf = async (...args) => {
      if (down) throw new Error('NATS unreachable');
      return putIf(...args);
    };
    const a = gateway('a', map, clock, { now: 'a' });
    a.escalator.start();
    a.escalator.onEvents([{ seq: 1, event: fired('w', 1_000) }]);
    await settle(a.escalator);
    expect(a.email.sent).toEqual([]);
    expect(a.store.rows('w')[0]).toMatchObject({ state: 'pending', attempts: 0, due_at: 6_000 });
    down = false;
    clock.advance(5_000);
    await settle(a.escalator);
    expect(a.email.sent.map((n) => n.person.id)).toEqual(['ann']);
    expect((await map.entries())[0]![1]).toMatchObject({ state: 'sent', attempts: 1 });
  });
});
