/**
 * The ladder's decisions, free of time and storage: which policy an alert falls under, which
 * step rows its ladder has and when each is due, whether a due row is sent or skipped, how
 * long a failed send waits, and how each outcome reads on the alert's timeline.
 */
import type { AlertEvent } from '../../common/protocol/alert.js';
import type { EscalationPolicy } from './config.js';
import type { Directory, Person, Presence } from './directory.js';

/** A `fired` event: what starts a ladder. */
export type FiredEvent = Extract<AlertEvent, { kind: 'fired' }>;

/** The channels a step sends by. */
export type ChannelName = 'push' | 'email' | 'webhook';

/** One row of a ladder: a step, for one person, by one channel. `skip` says why it will not be sent. */
export type PlannedRow = { step: number; person: string; channel: ChannelName; dueAt: number; skip?: string };

/** The first policy whose every condition the alert meets; the order of policies is their priority. */
export function matchPolicy(policies: readonly EscalationPolicy[], fired: FiredEvent): EscalationPolicy | undefined {
  const { alert } = fired;
  return policies.find(({ match }) => {
    if (match.severities && !match.severities.includes(alert.severity)) return false;
    if (match.categories && !match.categories.includes(alert.category)) return false;
    if (match.sources && !match.sources.includes(fired.source)) return false;
    return Object.entries(match.labels ?? {}).every(([key, value]) => alert.labels[key] === value);
  });
}

/**
 * The rows of a policy's ladder for an alert fired at `firedAt`. A step's targets are resolved
 * now (teams to their members); a step with `atOnceWhenUnwatched` whose people are all away is
 * due at once, and steps after it with `afterPrevious` count from then.
 */
export function planLadder(
  policy: EscalationPolicy,
  firedAt: number,
  directory: Directory,
  presence: Presence,
): PlannedRow[] {
  const rows: PlannedRow[] = [];
  let previousDue = firedAt;
  for (const [index, step] of policy.steps.entries()) {
    const { people } = directory.members(step.notify);
    let dueAt = (step.afterPrevious ? previousDue : firedAt) + step.after;
    if (step.atOnceWhenUnwatched && !people.some((person) => presence.isWatched(person.id))) {
      dueAt = step.afterPrevious ? previousDue : firedAt;
    }
    previousDue = dueAt;
    for (const person of people) {
      for (const channel of step.via) {
        const skip = unreachable(person, channel);
        rows.push({ step: index, person: person.id, channel, dueAt, ...(skip ? { skip } : {}) });
      }
    }
  }
  return rows;
}

function unreachable(person: Person, channel: ChannelName): string | undefined {
  if (channel === 'email' && !person.email) return 'no e-mail address';
  if (channel === 'webhook' && !person.webhooks?.length) return 'no webhook';
  return undefined;
}

/** Why a due row is not sent after all (its person is watching a console, for an `onlyWhenAway` step), or undefined. */
export function skipWhenDue(
  policy: EscalationPolicy,
  step: number,
  person: string,
  presence: Presence,
): string | undefined {
  return policy.steps[step]?.onlyWhenAway && presence.isWatched(person) ? 'watching a console' : undefined;
}

/** Sends are tried this many times before the row is failed for good. */
export const MAX_ATTEMPTS = 5;

/** How long to wait after the `attempts`-th failure: 30 s, doubling, at most 15 minutes. */
export function retryDelay(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}

const CHANNEL_WORDS: Record<ChannelName, string> = { push: 'Web Push', email: 'e-mail', webhook: 'webhook' };

/** The outcome of one row, as the alert's timeline shows it. */
export type StepOutcome =
  | { kind: 'sent'; detail: string }
  | { kind: 'retrying'; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'skipped'; why: string }
  | { kind: 'unknown' };

/** "escalated to Ann by e-mail: delivered", "… failed: 550 mailbox unavailable, retrying", … */
export function outcomeComment(name: string, channel: ChannelName, outcome: StepOutcome): string {
  const head = `escalated to ${name} by ${CHANNEL_WORDS[channel]}`;
  switch (outcome.kind) {
    case 'sent':
      return `${head}: ${outcome.detail}`;
    case 'retrying':
      return `${head} failed: ${outcome.error}, retrying`;
    case 'failed':
      return `${head} failed: ${outcome.error}, giving up after ${MAX_ATTEMPTS} attempts`;
    case 'skipped':
      return `not escalated to ${name} by ${CHANNEL_WORDS[channel]}: ${outcome.why}`;
    case 'unknown':
      return `${head}: delivery unknown (the gateway stopped while sending; not resent)`;
  }
}
