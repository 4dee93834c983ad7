/**
 * What the escalation engine needs to know about people, teams and presence. The engine
 * defines these small interfaces itself so it depends on no particular directory: the gateway
 * wires in the real one, tests use stand-ins.
 */

/** A webhook a person is reached by: plain signed JSON, or ntfy's publish API. */
export type PersonWebhook = { url: string; secret?: string; flavour?: 'json' | 'ntfy' };

/** A person escalations can reach. */
export type Person = { id: string; name: string; email?: string; webhooks?: PersonWebhook[] };

/** A team: its members are person ids. */
export type Team = { id: string; members: string[] };

/** Looks people and teams up by id. */
export interface Directory {
  person(id: string): Person | undefined;
  team(id: string): Team | undefined;
}

/** Whether a person is watching a console right now. */
export interface Presence {
  isWatched(personId: string): boolean;
}

/** The people behind a list of person or team ids, each once, in order; unknown ids are dropped. */
export function resolveTargets(directory: Directory, ids: readonly string[]): Person[] {
  const seen = new Map<string, Person>();
  const add = (id: string) => {
    const person = directory.person(id);
    if (person && !seen.has(person.id)) seen.set(person.id, person);
  };
  for (const id of ids) {
    const team = directory.team(id);
    if (team) team.members.forEach(add);
    else add(id);
  }
  return [...seen.values()];
}
