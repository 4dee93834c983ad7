import { describe, expect, it } from 'vitest';
import type { LadderRow } from '../../../../common/api/escalation';
import { countdown, ladderView } from './ladder-view';

const row = (over: Partial<LadderRow>): LadderRow => ({
  step: 0,
  person: 'Ann',
  channel: 'email',
  state: 'pending',
  dueAt: 0,
  sentAt: null,
  attempts: 0,
  lastError: null,
  ...over,
});

describe('ladder view', () => {
  it('counts down to the second', () => {
    expect(countdown(192_000)).toBe('3:12');
    expect(countdown(3_723_000)).toBe('1:02:03');
    expect(countdown(-5)).toBe('0:00');
  });

  it('says who was reached, what failed, and who is next and when', () => {
    const view = ladderView(
      [
        row({ channel: 'push', state: 'sent', sentAt: 0 }),
        row({ state: 'pending', attempts: 2, lastError: '550 mailbox unavailable', dueAt: 60_000 }),
        row({ step: 1, person: 'Bob', channel: 'webhook', dueAt: 300_000 }),
        row({ step: 1, person: 'Cy', channel: 'email', state: 'skipped', lastError: 'no e-mail address' }),
      ],
      0,
    );
    expect(view.lines[0]).toMatch(/^Step 1 · Ann by Web Push: reached/);
    expect(view.lines[1]).toBe('Step 1 · Ann by e-mail: failed 2× (550 mailbox unavailable), retrying in 1:00');
    expect(view.lines[2]).toBe('Step 2 · Bob by webhook: due in 5:00');
    expect(view.lines[3]).toBe('Step 2 · Cy by e-mail: skipped: no e-mail address');
    expect(view.next).toBe('next: Ann by e-mail in 1:00');
  });

  it('has no next step once nothing is pending', () => {
    expect(ladderView([row({ state: 'cancelled' })], 0)).toEqual({
      lines: ['Step 1 · Ann by e-mail: cancelled (acknowledged or resolved)'],
      next: null,
    });
  });
});
