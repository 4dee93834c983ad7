/**
 * The journal's KV buckets beside its stream: the state of every alert (for snapshots of
 * alerts whose events have left the stream), and action results under their idempotency key.
 * Keys are base64url (KV keys allow few characters) and carry the journal identity, so a
 * recreated stream starts with no state, as a new SQLite journal does.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AlertState } from '../../../common/protocol/alert.js';
import { lastValues, lostRace } from './kv-reads.js';

const encoder = new TextEncoder();

/** A KV key for `id` in the journal `journalId`. */
function keyOf(journalId: string, id: string): string {
  return `${journalId}.${Buffer.from(id).toString('base64url') || '_'}`;
}

/** Alert states and action results of one journal. */
export class JournalBuckets {
  /** Per key, the revision of the state this gateway last wrote or read, and that state's lastSeq. */
  private readonly revisions = new Map<string, { revision: number; lastSeq: number }>();

  private constructor(
    private readonly states: KV,
    private readonly actions: KV,
    private readonly journalId: string,
  ) {}

  /** Open (or create) `${stream}-alerts` and `${stream}-actions`; action results expire with the replay window. */
  static async open(
    nc: NatsConnection,
    spec: { stream: string; replicas: number; maxAgeMs: number },
    journalId: string,
  ): Promise<JournalBuckets> {
    const kvm = new Kvm(nc);
    const states = await kvm.create(`${spec.stream}-alerts`, { history: 1, replicas: spec.replicas });
    const actions = await kvm.create(`${spec.stream}-actions`, {
      history: 1,
      replicas: spec.replicas,
      ttl: spec.maxAgeMs,
    });
    return new JournalBuckets(states, actions, journalId);
  }

  /** Every alert state kept for this journal, read in one pass (see lastValues). */
  async allStates(): Promise<AlertState[]> {
    return (await lastValues(this.states, `${this.journalId}.>`)).map((entry) => entry.json<AlertState>());
  }

  /**
   * Store `state` unless the bucket already has a later one (compare-and-set on the revision).
   * The revision this gateway last wrote or read for a key is remembered, so the usual write (the
   * same gateway updating its alert again) is one round trip, not a read and a write; when another
   * gateway wrote meanwhile the compare-and-set fails and the entry is read as before.
   */
  async putState(state: AlertState): Promise<void> {
    const key = keyOf(this.journalId, state.alertId);
    const value = encoder.encode(JSON.stringify(state));
    const known = this.revisions.get(key);
    if (known) {
      if (known.lastSeq >= state.lastSeq) return;
      try {
        this.revisions.set(key, {
          revision: await this.states.update(key, value, known.revision),
          lastSeq: state.lastSeq,
        });
        return;
      } catch (error) {
        if (!lostRace(error)) throw error;
        this.revisions.delete(key);
      }
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = await this.states.get(key);
      if (entry && entry.operation === 'PUT') {
        const stored = entry.json<AlertState>().lastSeq;
        if (stored >= state.lastSeq) return void this.revisions.set(key, { revision: entry.revision, lastSeq: stored });
      }
      try {
        const revision = await (entry
          ? this.states.update(key, value, entry.revision)
          : this.states.create(key, value));
        this.revisions.set(key, { revision, lastSeq: state.lastSeq });
        return;
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    }
    throw new Error(`alert state ${state.alertId}: compare-and-set lost 10 times in a row`);
  }

  /**
   * Forget these alerts' states, each only if the bucket holds no later one (a delete guarded by
   * the entry's revision: an alert that fired again meanwhile keeps its new state). Every gateway
   * trims; the second to try finds nothing to delete.
   */
  async deleteStates(states: readonly AlertState[]): Promise<void> {
    for (const state of states) {
      const key = keyOf(this.journalId, state.alertId);
      const entry = await this.states.get(key);
      if (!entry || entry.operation !== 'PUT' || entry.json<AlertState>().lastSeq > state.lastSeq) continue;
      this.revisions.delete(key);
      try {
        await this.states.delete(key, { previousSeq: entry.revision });
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    }
  }

  /** The result stored for an action id. */
  async actionResult(actionId: string): Promise<string | undefined> {
    const entry = await this.actions.get(keyOf(this.journalId, actionId));
    return entry && entry.operation === 'PUT' ? entry.string() : undefined;
  }

  /** Store an action's result unless one is there already; the stored one is the answer. */
  async recordActionResult(actionId: string, result: string): Promise<string> {
    try {
      await this.actions.create(keyOf(this.journalId, actionId), encoder.encode(result));
      return result;
    } catch (error) {
      if (!lostRace(error)) throw error;
      return (await this.actionResult(actionId)) ?? result;
    }
  }
}
