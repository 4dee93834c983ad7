/** Stand-ins for the escalation tests: a directory, presence, a recording channel, a store. */
import Database from 'better-sqlite3';
import { migrate } from '../../common/node/sqlite/migrate.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { fail, ok, type Result } from '../../common/result.js';
import { JOURNAL_MIGRATIONS } from '../journal/migrations.js';
import type { Channel, Notice, Settlement } from './channels/channel.js';
import type { Directory, Person, Presence, Team } from './directory.js';
import type { FiredEvent } from './ladder.js';
import { Directory as IdentityDirectory } from '../identity/directory.js';
import { EscalationStore } from './store.js';

/** Ann and Bob on team ops; Cy on no team and without an address. */
export const PEOPLE: Person[] = [
  { id: 'ann', name: 'Ann', email: 'ann@example.test', webhooks: [{ url: 'http://127.0.0.1:1/hook' }] },
  { id: 'bob', name: 'Bob', email: 'bob@example.test' },
  { id: 'cy', name: 'Cy' },
];
export const TEAMS: Team[] = [{ id: 'ops', members: ['ann', 'bob'] }];

/** A directory of PEOPLE and TEAMS: the gateway's own, built from their configuration. */
export const directory: Directory = new IdentityDirectory({
  tokens: [],
  people: PEOPLE.map((person) => ({
    ...person,
    webhooks: (person.webhooks ?? []).map((hook) => ({ flavour: 'json' as const, ...hook })),
    tokens: [],
  })),
  teams: TEAMS.map((team) => ({ ...team, name: team.id })),
});

/** Presence a test sets by hand. */
export class StandInPresence implements Presence {
  readonly watched = new Set<string>();
  isWatched(personId: string): boolean {
    return this.watched.has(personId);
  }
}

/** A channel that records notices (and settlements) and answers from a script (default: delivered). */
export class RecordingChannel implements Channel {
  readonly sent: Notice[] = [];
  readonly settled: string[] = [];
  /** Failures to answer first, in order. */
  failures: string[] = [];
  /** When set, sends wait for it. */
  gate: Promise<void> | null = null;
  async send(notice: Notice): Promise<Result<string>> {
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) return fail('send_failed', failure);
    this.sent.push(notice);
    return ok('delivered');
  }
  async settle(notice: Notice, settlement: Settlement): Promise<Result<string>> {
    this.settled.push(
      `${notice.person.id} ${notice.fired.alertId} ${settlement.how}${settlement.by ? ` by ${settlement.by}` : ''}`,
    );
    return ok('settled');
  }
}

/** A store on a migrated database (a file, to reopen, or memory). */
export function openStore(path = ':memory:'): { db: Database.Database; store: EscalationStore } {
  const db = new Database(path);
  migrate(db, JOURNAL_MIGRATIONS, 'test journal');
  return { db, store: new EscalationStore(db) };
}

/** A `fired` event for a critical security alert. */
export function fired(alertId: string, at: number, overrides: Partial<FiredEvent['alert']> = {}): FiredEvent {
  return {
    kind: 'fired',
    alertId,
    source: 'demo',
    at,
    alert: {
      title: 'Privilege escalation',
      body: 'sudo by an unknown key',
      severity: 'critical',
      category: 'security',
      host: 'db-1',
      labels: { team: 'ops' },
      url: 'https://runbooks.example.test/priv',
      startsAt: at,
      ...overrides,
    },
  };
}

/** An `acknowledged` or `resolved` event. */
export function ended(kind: 'acknowledged' | 'resolved', alertId: string, at: number): AlertEvent {
  return kind === 'resolved'
    ? { kind, alertId, source: 'demo', at, endsAt: at }
    : { kind, alertId, source: 'demo', at, by: 'ann' };
}
