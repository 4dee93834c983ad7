/**
 * The cluster role of a gateway whose journal is a JetStream stream: leadership through the
 * lease in `<stream>-leases`, signals on core NATS subjects `<stream>.signals.<topic>` (outside
 * the stream's own `<stream>.alerts`: they are never journaled), shared maps as KV buckets
 * `<stream>-<name>`, all on the journal's own connection.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import type { ClusterRole, SharedMap, SharedMapOptions, SignalTopic } from './cluster-role.js';
import { lastValues, lostRace } from '../journal/jetstream/kv-reads.js';
import type { LeaderLease } from './leader-lease.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The subject of a signal topic. */
export const signalSubject = (stream: string, topic: SignalTopic) => `${stream}.signals.${topic}`;

export type NatsRoleSpec = { stream: string; replicas: number; log: (message: string) => void };

export class NatsClusterRole implements ClusterRole {
  readonly kind = 'nats';
  readonly maxSignalBytes: number;
  private readonly subscriptions: Subscription[] = [];
  /** Signals that could not be sent or handled, for statistics. */
  signalFailures = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly lease: LeaderLease,
    private readonly spec: NatsRoleSpec,
  ) {
    // Headroom under max_payload for the headers NATS adds.
    this.maxSignalBytes = Math.max(64 * 1024, (nc.info?.max_payload ?? 1024 * 1024) - 4 * 1024);
  }

  isLeader(): boolean {
    return this.lease.isLeader();
  }

  onLeaderChange(listener: (leader: boolean) => void): void {
    this.lease.onChange(listener);
  }

  broadcast(topic: SignalTopic, payload: string): void {
    try {
      this.nc.publish(signalSubject(this.spec.stream, topic), encoder.encode(payload));
    } catch (error) {
      this.signalFailures++;
      this.spec.log(`cluster signal ${topic} not sent: ${errorMessage(error)}`);
    }
  }

  onSignal(topic: SignalTopic, listener: (payload: string) => void): void {
    const subscription = this.nc.subscribe(signalSubject(this.spec.stream, topic), {
      callback: (error, message) => {
        if (error) return void this.spec.log(`cluster signal ${topic}: ${errorMessage(error)}`);
        try {
          listener(decoder.decode(message.data));
        } catch (failure) {
          // One bad signal costs that signal, never the subscription.
          this.signalFailures++;
          this.spec.log(`cluster signal ${topic} not handled: ${errorMessage(failure)}`);
        }
      },
    });
    this.subscriptions.push(subscription);
  }

  async sharedMap<T>(name: string, options: SharedMapOptions = {}): Promise<SharedMap<T>> {
    const bucket = `${this.spec.stream}-${name}`;
    const kv = await new Kvm(this.nc).create(bucket, {
      history: 1,
      replicas: this.spec.replicas,
      ...(options.ttlMs === undefined ? {} : { ttl: options.ttlMs }),
    });
    // An existing bucket keeps its settings: one made with another TTL is refused, not altered.
    const ttl = (await kv.status()).ttl;
    if (ttl !== (options.ttlMs ?? 0))
      throw new Error(`bucket ${bucket} forgets entries after ${ttl} ms, this gateway wants ${options.ttlMs ?? 0}`);
    return new KvSharedMap<T>(kv);
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.lease.stop();
  }
}

/** A KV bucket as a map of JSON values; keys are base64url (KV keys allow few characters). */
class KvSharedMap<T> implements SharedMap<T> {
  constructor(private readonly kv: KV) {}

  async get(key: string): Promise<T | undefined> {
    const entry = await this.kv.get(keyOf(key));
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? entry.json<T>() : undefined;
  }

  async put(key: string, value: T): Promise<void> {
    await this.kv.put(keyOf(key), encoder.encode(JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(keyOf(key));
  }

  async read(key: string): Promise<{ value: T; revision: number } | undefined> {
    const entry = await this.kv.get(keyOf(key));
    return entry && entry.operation === 'PUT' && entry.value.length > 0
      ? { value: entry.json<T>(), revision: entry.revision }
      : undefined;
  }

  async putIf(key: string, value: T, revision: number | null): Promise<boolean> {
    const data = encoder.encode(JSON.stringify(value));
    try {
      if (revision !== null) await this.kv.update(keyOf(key), data, revision);
      else await this.kv.create(keyOf(key), data);
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async entries(): Promise<Array<[string, T]>> {
    const result: Array<[string, T]> = [];
    for (const entry of await lastValues(this.kv))
      result.push([Buffer.from(entry.key, 'base64url').toString(), entry.json<T>()]);
    return result;
  }
}

const keyOf = (key: string) => Buffer.from(key).toString('base64url') || '_';
