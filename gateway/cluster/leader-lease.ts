/**
 * Which gateway of a cluster does the work that must happen once (issue #18): a lease in a KV
 * bucket. nats-server 2.9 silently ignores per-key TTLs, so the lease is built on what 2.9
 * does: the bucket's max_age (every entry is removed `ttlMs` after it was written) and
 * compare-and-set on the revision. The holder rewrites the key every `ttlMs / 3`, each write a
 * new entry, so a live holder's entry never ages out; a dead holder's is removed after `ttlMs`,
 * and the next `create()` (which succeeds only on an absent key) makes another gateway leader.
 * A holder that cannot renew stops calling itself leader once `ttlMs` has passed since its last
 * renewal: it never overlaps a successor that got the key after removal.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';

const KEY = 'leader';
const encoder = new TextEncoder();

export type LeaseOptions = {
  /** `<stream>-leases`. */
  bucket: string;
  replicas: number;
  /** This gateway's name, stored as the holder. */
  holder: string;
  ttlMs: number;
  clock: Clock;
  log: (message: string) => void;
};

/** This gateway's side of the cluster's leader lease. */
export class LeaderLease {
  private revision: number | null = null;
  private renewedAt = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;
  private readonly listeners: Array<(leader: boolean) => void> = [];
  private wasLeader = false;

  private constructor(
    private readonly kv: KV,
    private readonly options: LeaseOptions,
  ) {}

  /** Open (or create) the lease bucket, with max_age = the lease's TTL. */
  static async open(nc: NatsConnection, options: LeaseOptions): Promise<LeaderLease> {
    const kv = await new Kvm(nc).create(options.bucket, {
      history: 1,
      replicas: options.replicas,
      ttl: options.ttlMs,
    });
    const status = await kv.status();
    if (status.ttl !== options.ttlMs)
      throw new Error(
        `lease bucket ${options.bucket} has a TTL of ${status.ttl} ms, this gateway wants ${options.ttlMs}`,
      );
    return new LeaderLease(kv, options);
  }

  /** Try for the lease now and every third of its TTL. */
  async start(): Promise<void> {
    await this.tick();
  }

  /** Whether this gateway holds an unexpired lease right now. */
  isLeader(): boolean {
    return this.revision !== null && this.options.clock.now() - this.renewedAt < this.options.ttlMs;
  }

  /** Called with true when this gateway becomes leader, false when it stops being one. */
  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Stop renewing; a leader gives the lease up at once (deletes the key) so another takes over sooner. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    if (this.revision !== null) await this.kv.delete(KEY, { previousSeq: this.revision }).catch(() => {});
    this.revision = null;
    this.announce();
  }

  private async tick(): Promise<void> {
    const now = this.options.clock.now();
    const value = encoder.encode(JSON.stringify({ holder: this.options.holder, at: now }));
    try {
      this.revision =
        this.revision === null ? await this.kv.create(KEY, value) : await this.kv.update(KEY, value, this.revision);
      this.renewedAt = now;
    } catch (error) {
      // Held by another gateway (create refused), or lost (our revision is no longer the last).
      if (this.revision !== null) this.options.log(`leader lease lost: ${errorMessage(error)}`);
      this.revision = null;
    }
    this.announce();
    if (!this.stopped)
      this.timer = this.options.clock.setTimeout(() => void this.tick(), Math.max(50, this.options.ttlMs / 3));
  }

  private announce(): void {
    const leader = this.isLeader();
    if (leader === this.wasLeader) return;
    this.wasLeader = leader;
    this.options.log(`${this.options.holder} ${leader ? 'is now' : 'is no longer'} the cluster's leader`);
    for (const listener of this.listeners) listener(leader);
  }
}
