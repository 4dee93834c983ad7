/**
 * The gateway's directory of people and teams, built from its configuration: which person a
 * device token belongs to, and who is meant when an escalation names people and teams.
 */
import { timingSafeEqual } from 'node:crypto';
import { identityIssues, type IdentityConfig, type Person, type Team } from './config.js';

/** Who the gateway believes: the configured people and teams. */
export class Directory {
  private readonly byId = new Map<string, Person>();
  private readonly teams = new Map<string, Team>();
  private readonly tokens: Array<{ token: Buffer; person: Person }> = [];

  /** Throws naming the field when the configuration is inconsistent (see `identityIssues`). */
  constructor(config: IdentityConfig) {
    const issue = identityIssues(config)[0];
    if (issue) throw new Error(`${issue.path.join('.')}: ${issue.message}`);
    for (const person of config.people ?? []) {
      this.byId.set(person.id, person);
      for (const token of person.tokens) this.tokens.push({ token: Buffer.from(token), person });
    }
    for (const team of config.teams ?? []) this.teams.set(team.id, team);
  }

  /**
   * The person whose device token this is, or null. Every configured token is compared in
   * constant time, with no early exit, so the time taken says nothing about which one matched.
   */
  personForToken(presented: string): Person | null {
    const given = Buffer.from(presented);
    let found: Person | null = null;
    for (const { token, person } of this.tokens) {
      if (given.length === token.length && timingSafeEqual(given, token)) found = person;
    }
    return found;
  }

  /** A person by id. */
  person(id: string): Person | undefined {
    return this.byId.get(id);
  }

  /** A team by id. */
  team(id: string): Team | undefined {
    return this.teams.get(id);
  }

  /** Every configured person, in configuration order. */
  people(): Person[] {
    return [...this.byId.values()];
  }

  /**
   * The people meant by a list of team and person ids: teams expanded to their members, each
   * person once, in the order first named. Ids that name nobody are skipped (and returned in
   * `unknown`, for the caller to report).
   */
  members(ids: readonly string[]): { people: Person[]; unknown: string[] } {
    const people = new Map<string, Person>();
    const unknown: string[] = [];
    for (const id of ids) {
      const team = this.teams.get(id);
      const memberIds = team ? team.members : [id];
      if (!team && !this.byId.has(id)) unknown.push(id);
      for (const memberId of memberIds) {
        const person = this.byId.get(memberId);
        if (person && !people.has(person.id)) people.set(person.id, person);
      }
    }
    return { people: [...people.values()], unknown };
  }
}
