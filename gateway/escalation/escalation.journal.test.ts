/**
 * Escalation wired to a real journal, as the gateway wires it: the engine's connection and
 * the journal's share one database file, outcomes are journaled as comments, and the
 * journal's appends feed the engine.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { ok } from '../../common/result.js';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { Journal } from '../journal/journal.js';
import { escalationConfig, installEscalation, openEscalationDatabase } from './install.js';
import { directory, fired, RecordingChannel, StandInPresence } from './test-support.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function gatewayLike(path: string, clock: ManualClock) {
  const journal = new Journal({ path, maxEvents: 10_000, maxAgeMs: 86_400_000 });
  const db = openEscalationDatabase(path);
  const email = new RecordingChannel();
  let onEvents: (entries: Array<{ seq: number; event: AlertEvent }>) => void = () => {};
  const append = (event: AlertEvent) => {
    const [seq] = journal.append([{ event }]);
    if (seq) onEvents([{ seq, event }]);
  };
  const installed = installEscalation(
    { addRoute: () => {} },
    escalationConfig(
      {
        publicUrl: 'https://t.example.test',
        smtp: { host: '127.0.0.1', port: 1, from: 'x@y.test' },
        policies: [{ name: 'ops', steps: [{ after: 60_000, notify: ['ops'], via: ['email'] }] }],
      },
      directory,
    ),
    {
      db,
      directory,
      presence: new StandInPresence(),
      acknowledge: async () => ok(undefined),
      publish: append,
      clock,
      channels: { email },
    },
  );
  onEvents = installed.onEvents;
  closers.push(() => {
    journal.close();
    db.close();
  });
  closers.push(() => installed.close());
  const comments = () =>
    journal
      .readAfter(0, 100)
      .map((f) => (JSON.parse(f.frame) as { event: AlertEvent }).event)
      .flatMap((e) => (e.kind === 'commented' ? [`${e.by}: ${e.comment}`] : []));
  return { journal, installed, email, append, comments };
}

describe('escalation on the journal', () => {
  it('journals each outcome as a comment, and a restart on the same file sends nothing twice', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-esc-journal-')), 'journal.sqlite');
    const clock = new ManualClock(Date.now());
    const one = gatewayLike(path, clock);
    one.append(fired('a1', clock.now()));
    clock.advance(60_000);
    await one.installed.escalator.idle();
    expect(one.email.sent.map((n) => n.person.id)).toEqual(['ann', 'bob']);
    expect(one.comments()).toEqual([
      'escalation: escalated to Ann by e-mail: delivered',
      'escalation: escalated to Bob by e-mail: delivered',
    ]);
    await one.installed.close();
    for (const close of closers.splice(0).reverse()) await close();

    const two = gatewayLike(path, clock);
    clock.advance(3_600_000);
    await two.installed.escalator.idle();
    expect(two.email.sent).toEqual([]);
    expect(two.comments()).toHaveLength(2);
  });
});
