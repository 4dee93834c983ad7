/**
 * Per person, whether any of their consoles is connected, and whether one is watched. Feed
 * sessions report their console's state (connected at hello, `presence` frames, closed); the
 * escalation engine asks, and listens for changes, to decide whether a page is needed.
 *
 * A console that has never sent `presence` (an older console, or one that has not yet)
 * counts as connected but not known to be watched: only a console that says "watched" is.
 */
import type { PresenceState } from '../../common/protocol/frames.js';

/** One connected console of a person: what it last said (null: nothing yet), and since when. */
export type ConsolePresence = { state: PresenceState | null; since: number };

/** A person's summary: connected consoles, and whether one of them is watched. */
export type PersonPresence = { personId: string; connected: number; watched: boolean };

/** What a feed session holds for its console. */
export interface PresenceHandle {
  /** The console reported its window's state. */
  update(state: PresenceState): void;
  /** The console's connection closed (again is harmless). */
  close(): void;
}

/** Presence of every person's consoles, in memory: it starts empty, as no console is connected. */
export class PresenceRegistry {
  private readonly byPerson = new Map<string, Set<ConsolePresence>>();
  private readonly listeners = new Set<(change: PersonPresence) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A console of `personId` connected (said hello); its state is unknown until it says. */
  connect(personId: string): PresenceHandle {
    const entry: ConsolePresence = { state: null, since: this.now() };
    let open = true;
    this.change(personId, () => {
      const consoles = this.byPerson.get(personId) ?? new Set<ConsolePresence>();
      consoles.add(entry);
      this.byPerson.set(personId, consoles);
    });
    return {
      update: (state) => {
        if (!open || entry.state === state) return;
        this.change(personId, () => {
          entry.state = state;
          entry.since = this.now();
        });
      },
      close: () => {
        if (!open) return;
        open = false;
        this.change(personId, () => {
          const consoles = this.byPerson.get(personId);
          consoles?.delete(entry);
          if (consoles?.size === 0) this.byPerson.delete(personId);
        });
      },
    };
  }

  /** Whether at least one of the person's consoles is connected and says "watched". */
  isWatched(personId: string): boolean {
    return this.consoles(personId).some((console) => console.state === 'watched');
  }

  /** Everyone with a watched console now. */
  watchedPeople(): string[] {
    return [...this.byPerson.keys()].filter((personId) => this.isWatched(personId));
  }

  /** Whether at least one of the person's consoles is connected. */
  isConnected(personId: string): boolean {
    return (this.byPerson.get(personId)?.size ?? 0) > 0;
  }

  /** The person's connected consoles (copies), in the order they connected. */
  consoles(personId: string): ConsolePresence[] {
    return [...(this.byPerson.get(personId) ?? [])].map((console) => ({ ...console }));
  }

  /** The person's summary. */
  summary(personId: string): PersonPresence {
    return { personId, connected: this.byPerson.get(personId)?.size ?? 0, watched: this.isWatched(personId) };
  }

  /**
   * Called whenever a person's summary changes: a console connects or closes, or whether one is
   * watched flips. A console going from "hidden" to "idle" changes nothing a listener decides on.
   */
  onChange(listener: (change: PersonPresence) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private change(personId: string, apply: () => void): void {
    const before = this.summary(personId);
    apply();
    const after = this.summary(personId);
    if (before.connected === after.connected && before.watched === after.watched) return;
    for (const listener of this.listeners) {
      try {
        listener(after);
      } catch {
        // A failing listener must not stop the others, nor the session that reported.
      }
    }
  }
}
