/**
 * Presence across a cluster: a person's console is connected to one gateway, but the leader
 * decides whether to page them. Each gateway broadcasts who is watching one of its consoles
 * (at every change, and every few seconds so a restarted leader hears it soon); a gateway's
 * word is forgotten when it has not spoken for three rounds (it died). A person is watched when
 * any live gateway says so.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Presence } from '../escalation/directory.js';
import type { PresenceRegistry } from '../identity/presence.js';
import type { ClusterRole } from './cluster-role.js';

/** How often each gateway says who is watching its consoles. */
export const PRESENCE_EVERY_MS = 5_000;

type Heard = { watched: Set<string>; heardAt: number };

export class SharedPresence implements Presence {
  private readonly remote = new Map<string, Heard>();
  private readonly listeners = new Set<() => void>();
  private timer: TimerHandle | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly local: PresenceRegistry,
    private readonly role: Pick<ClusterRole, 'broadcast' | 'onSignal'>,
    private readonly options: { self: string; clock: Clock; everyMs?: number },
  ) {
    this.unsubscribe = local.onChange(() => {
      this.announce();
      this.changed();
    });
    role.onSignal('presence', (payload) => this.heard(payload));
    this.announce();
    this.tick();
  }

  isWatched(personId: string): boolean {
    if (this.local.isWatched(personId)) return true;
    const now = this.options.clock.now();
    for (const heard of this.remote.values())
      if (now - heard.heardAt < this.staleMs() && heard.watched.has(personId)) return true;
    return false;
  }

  /** Called when anyone's presence may have changed, here or on another gateway. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private staleMs(): number {
    return 3 * (this.options.everyMs ?? PRESENCE_EVERY_MS);
  }

  private tick(): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.announce();
      const now = this.options.clock.now();
      let expired = false;
      for (const [from, heard] of this.remote)
        if (now - heard.heardAt >= this.staleMs()) expired = this.remote.delete(from) || expired;
      if (expired) this.changed();
      this.tick();
    }, this.options.everyMs ?? PRESENCE_EVERY_MS);
  }

  private announce(): void {
    this.role.broadcast('presence', JSON.stringify({ from: this.options.self, watched: this.local.watchedPeople() }));
  }

  private heard(payload: string): void {
    const said = JSON.parse(payload) as { from?: unknown; watched?: unknown };
    if (typeof said.from !== 'string' || !Array.isArray(said.watched)) throw new Error('not a presence signal');
    if (said.from === this.options.self) return;
    const watched = new Set(said.watched.filter((id): id is string => typeof id === 'string'));
    const before = this.remote.get(said.from)?.watched;
    this.remote.set(said.from, { watched, heardAt: this.options.clock.now() });
    const same = before !== undefined && before.size === watched.size && [...watched].every((id) => before.has(id));
    if (!same) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // One failing listener must not stop the others.
      }
    }
  }
}
