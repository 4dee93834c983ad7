/**
 * A gateway's place in its cluster: whether it is the leader (the one gateway that does the
 * work that must happen once: Alertmanager silence checks, Prometheus polls, heartbeat alarms,
 * trims), signals every gateway must hear (metrics samples, heartbeats), and the shared maps
 * the once-per-cluster work keeps its state in (silences). A lone gateway (SQLite journal) is
 * its own leader, and its signals go straight back to itself.
 */

/** Ephemeral signals between the gateways of a cluster (not journaled: a lost one costs nothing lasting). */
export type SignalTopic = 'metrics' | 'heartbeat' | 'presence' | 'escalation';

/** A small replicated map of JSON values, for state the once-per-cluster work must not keep alone. */
export interface SharedMap<T> {
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  entries(): Promise<Array<[string, T]>>;
  /** The value with its revision, for `putIf`. */
  read(key: string): Promise<{ value: T; revision: number } | undefined>;
  /**
   * Compare-and-set: write `value` only if the key is still at `revision` (null: only if it is
   * absent). False when another writer got there first; nothing is written then.
   */
  putIf(key: string, value: T, revision: number | null): Promise<boolean>;
}

/** Options of a shared map: entries older than `ttlMs` are forgotten (never, when absent). */
export type SharedMapOptions = { ttlMs?: number };

export interface ClusterRole {
  /** `solo` (one gateway) or `nats` (a JetStream cluster), for logs. */
  readonly kind: 'solo' | 'nats';
  /** Whether this gateway does the once-per-cluster work right now. */
  isLeader(): boolean;
  /** Called with true when this gateway becomes leader, false when it stops being one. */
  onLeaderChange(listener: (leader: boolean) => void): void;
  /** Send a signal to every gateway of the cluster, this one included. */
  broadcast(topic: SignalTopic, payload: string): void;
  onSignal(topic: SignalTopic, listener: (payload: string) => void): void;
  /** The largest signal payload, in bytes (NATS's max_payload in a cluster). */
  readonly maxSignalBytes: number;
  /** A map every gateway shares, or null for a lone gateway (which keeps such state in its own files). */
  sharedMap<T>(name: string, options?: SharedMapOptions): Promise<SharedMap<T>> | null;
  close(): Promise<void>;
}

/** The role of a gateway that is not part of a cluster: always the leader, talking to itself. */
export function soloRole(): ClusterRole {
  const listeners = new Map<SignalTopic, Array<(payload: string) => void>>();
  return {
    kind: 'solo',
    isLeader: () => true,
    onLeaderChange: () => {},
    broadcast: (topic, payload) => {
      for (const listener of listeners.get(topic) ?? []) listener(payload);
    },
    onSignal: (topic, listener) => void listeners.set(topic, [...(listeners.get(topic) ?? []), listener]),
    maxSignalBytes: Number.MAX_SAFE_INTEGER,
    sharedMap: () => null,
    close: async () => {},
  };
}
