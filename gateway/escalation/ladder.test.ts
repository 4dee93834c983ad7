import { describe, expect, it } from 'vitest';
import { parseEscalationConfig } from './config.js';
import { matchPolicy, outcomeComment, planLadder, retryDelay } from './ladder.js';
import { directory, fired, StandInPresence } from './test-support.js';

const config = (input: unknown) => parseEscalationConfig(input, directory);

describe('escalation configuration', () => {
  it('gives a team the default ladder for critical security and outage alerts', () => {
    const parsed = config({
      publicUrl: 'https://tocsin.example.test/',
      smtp: { host: 'h', port: 25, from: 't@x' },
      policies: [{ name: 'ops', team: 'ops' }],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.publicUrl).toBe('https://tocsin.example.test');
    expect(parsed.value.linkTtlMs).toBe(24 * 3_600_000);
    expect(parsed.value.consoleUrl).toBeUndefined(); // links then go to <publicUrl>/console
    const [policy] = parsed.value.policies;
    expect(policy!.match).toEqual({ severities: ['critical'], categories: ['security', 'outage'] });
    expect(policy!.steps.map((s) => [s.after, s.via, s.atOnceWhenUnwatched])).toEqual([
      [300_000, ['push', 'email'], true],
      [900_000, ['webhook'], false],
    ]);
  });

  it('names the field it refuses', () => {
    const base = { publicUrl: 'https://t.example.test', smtp: { host: 'h', port: 25, from: 't@x' } };
    expect(
      config({ ...base, policies: [{ name: 'p', steps: [{ after: 0, notify: ['zed'], via: ['email'] }] }] }),
    ).toMatchObject({
      ok: false,
      message: 'escalation.policies.0.steps.0.notify.0: no person or team "zed"',
    });
    expect(config({ ...base, policies: [{ name: 'p' }] })).toMatchObject({
      message: 'escalation.policies.0.steps: give steps, or a team for the default ladder',
    });
    expect(config({ ...base, colour: 'red' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^escalation: .*colour/),
    });
    expect(config({ ...base, smtp: { ...base.smtp, port: 0 } })).toMatchObject({
      message: expect.stringMatching(/^escalation\.smtp\.port: /),
    });
    expect(config({ publicUrl: 'https://t.example.test', policies: [{ name: 'p', team: 'ops' }] })).toMatchObject({
      message: 'escalation.policies.0.steps.0.via: e-mail needs escalation.smtp',
    });
    expect(
      config({ ...base, publicUrl: 'http://t.example.test', policies: [{ name: 'p', team: 'ops' }] }),
    ).toMatchObject({
      message:
        'escalation.push.subject: Web Push needs a mailto: or https: contact for push services when publicUrl is not https',
    });
    expect(config({ ...base, push: { subject: 'ann@example.org' } })).toMatchObject({
      message: expect.stringMatching(/^escalation\.push\.subject: /),
    });
  });
});

describe('ladder decisions', () => {
  const parsed = config({
    publicUrl: 'https://t.example.test',
    smtp: { host: 'h', port: 25, from: 't@x' },
    policies: [
      { name: 'db', match: { labels: { team: 'db' } }, team: 'ops' },
      { name: 'ops', team: 'ops' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const { policies } = parsed.value;

  it('matches the first policy whose every condition holds', () => {
    expect(matchPolicy(policies, fired('a', 0))?.name).toBe('ops');
    expect(matchPolicy(policies, fired('a', 0, { labels: { team: 'db' } }))?.name).toBe('db');
    expect(matchPolicy(policies, fired('a', 0, { severity: 'high' }))).toBeUndefined();
    expect(matchPolicy(policies, fired('a', 0, { category: 'capacity' }))).toBeUndefined();
  });

  it('plans the rows: at once when nobody is watched, after 5 minutes when someone is', () => {
    const presence = new StandInPresence();
    const away = planLadder(policies[1]!, 1_000, directory, presence);
    expect(away).toEqual([
      { step: 0, person: 'ann', channel: 'push', dueAt: 1_000 },
      { step: 0, person: 'ann', channel: 'email', dueAt: 1_000 },
      { step: 0, person: 'bob', channel: 'push', dueAt: 1_000 },
      { step: 0, person: 'bob', channel: 'email', dueAt: 1_000 },
      { step: 1, person: 'ann', channel: 'webhook', dueAt: 901_000 },
      { step: 1, person: 'bob', channel: 'webhook', dueAt: 901_000, skip: 'no webhook' },
    ]);
    presence.watched.add('bob');
    expect(planLadder(policies[1]!, 1_000, directory, presence)[0]!.dueAt).toBe(301_000);
  });

  it('backs off from 30 s to at most 15 minutes, and words outcomes for the timeline', () => {
    expect([1, 2, 3, 10].map(retryDelay)).toEqual([30_000, 60_000, 120_000, 900_000]);
    expect(outcomeComment('Ann', 'email', { kind: 'sent', detail: 'delivered' })).toBe(
      'escalated to Ann by e-mail: delivered',
    );
    expect(outcomeComment('Ann', 'email', { kind: 'retrying', error: '550 mailbox unavailable' })).toBe(
      'escalated to Ann by e-mail failed: 550 mailbox unavailable, retrying',
    );
  });
});

describe('the example configuration', () => {
  it('has an escalation section valid against its own people and teams', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = JSON.parse(await readFile(new URL('../examples/escalation.json', import.meta.url), 'utf8')) as {
      people: Array<{ id: string; name: string }>;
      teams: Array<{ id: string; members: string[] }>;
      escalation: unknown;
    };
    const parsed = parseEscalationConfig(example.escalation, {
      person: (id) => example.people.find((p) => p.id === id),
      team: (id) => example.teams.find((t) => t.id === id),
    });
    expect(parsed).toMatchObject({ ok: true, value: { smtp: { host: '127.0.0.1', port: 2525 } } });
  });
});
