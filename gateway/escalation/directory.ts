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

/** Looks people and teams up by id (the gateway's identity Directory implements it). */
export interface Directory {
  person(id: string): Person | undefined;
  team(id: string): Team | undefined;
  /** The people behind person or team ids, each once, in the order named; unknown ids are dropped. */
  members(ids: readonly string[]): { people: Person[] };
}

/** Whether a person is watching a console right now. */
export interface Presence {
  isWatched(personId: string): boolean;
}
