/**
 * Presence across gateways on one signal bus (in memory; on NATS in the cluster tests): a
 * person watching a console on one gateway counts as watched on the others, changes reach
 * their listeners, and the word of a gateway that stopped speaking is forgotten.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { PresenceRegistry } from '../identity/presence.js';
import type { ClusterRole } from './cluster-role.js';
import { SharedPresence } from './shared-presence.js';

function bus() {
  const listeners: Array<(payload: string) => void> = [];
  const role: Pick<ClusterRole, 'broadcast' | 'onSignal'> = {
    broadcast: (_topic, payload) => {
      for (const listener of [...listeners]) listener(payload);
    },
    onSignal: (_topic, listener) => void listeners.push(listener),
  };
  return { role };
}

describe('presence shared by the gateways of a cluster', () => {
  it('counts a console watched on another gateway, tells listeners, and forgets a gateway that went quiet', () => {
    const clock = new ManualClock(0);
    const { role } = bus();
    const localA = new PresenceRegistry(() => clock.now());
    const localB = new PresenceRegistry(() => clock.now());
    const a = new SharedPresence(localA, role, { self: 'a', clock, everyMs: 1_000 });
    const b = new SharedPresence(localB, role, { self: 'b', clock, everyMs: 1_000 });
    let changes = 0;
    b.onChange(() => changes++);

    const ann = localA.connect('ann');
    ann.update('watched');
    expect(a.isWatched('ann')).toBe(true);
    expect(b.isWatched('ann')).toBe(true);
    expect(b.isWatched('bob')).toBe(false);
    expect(changes).toBeGreaterThan(0);

    ann.update('hidden');
    expect(b.isWatched('ann')).toBe(false);
    ann.update('watched');

    // a dies without a word (its timer stops): b forgets it after three rounds.
    a.close();
    clock.advance(2_500);
    expect(b.isWatched('ann')).toBe(true);
    const before = changes;
    clock.advance(1_000);
    expect(b.isWatched('ann')).toBe(false);
    expect(changes).toBe(before + 1);
    b.close();
  });

  it('ignores its own word, and refuses a signal that is not presence (the cluster role counts it)', () => {
    const clock = new ManualClock(0);
    const { role } = bus();
    const shared = new SharedPresence(new PresenceRegistry(() => clock.now()), role, { self: 'a', clock });
    role.broadcast('presence', JSON.stringify({ from: 'a', watched: ['ann'] }));
    expect(shared.isWatched('ann')).toBe(false);
    expect(() => role.broadcast('presence', JSON.stringify({ from: 'z' }))).toThrow(/not a presence signal/);
    role.broadcast('presence', JSON.stringify({ from: 'z', watched: ['ann', 7] }));
    expect(shared.isWatched('ann')).toBe(true);
    shared.close();
  });
});
