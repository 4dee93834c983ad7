/**
 * What the journal's buckets and the cluster's shared maps both need of a NATS KV bucket: whether
 * a compare-and-set lost, and every key's last value read in one pass rather than a request per key.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { KvWatchInclude, type KV, type KvEntry } from '@nats-io/kv';

/** How long a read of the last values waits for the next one before taking it that none is left. */
const QUIET_MS = 1_000;

/** KV's "wrong last sequence": a compare-and-set lost to another writer. */
const WRONG_LAST_SEQUENCE = 10071;

/** Whether `error` is a compare-and-set that lost to another writer. */
export function lostRace(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE;
}

/**
 * The last value of every key under `filter` (all keys when absent) that holds one (deleted and
 * purged keys are left out), read with one watch of the last values: a gateway starts in seconds
 * with 100,000 alert states, where a get per key took minutes under load. The initial values end
 * at `delta` 0 (or at the first entry flagged as an update); should none come, a quiet second ends
 * the read.
 */
export async function lastValues(kv: KV, filter?: string): Promise<KvEntry[]> {
  if ((await kv.status()).values === 0) return [];
  const watch = await kv.watch({ ...(filter ? { key: filter } : {}), include: KvWatchInclude.LastValue });
  const entries = watch[Symbol.asyncIterator]();
  const values: KvEntry[] = [];
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((resolve) => (timer = setTimeout(() => resolve('quiet'), QUIET_MS)));
      const next = await Promise.race([entries.next(), quiet]).finally(() => clearTimeout(timer));
      if (next === 'quiet' || next.done) break;
      const entry = next.value;
      // Kept before looking at the flags: the client marks the last initial value as an update
      // (its count is off by one), and a real update is a value at least as new, no harm.
      if (entry.operation === 'PUT' && entry.value.length > 0) values.push(entry);
      if (entry.delta === 0 || entry.isUpdate) break;
    }
  } finally {
    watch.stop();
  }
  return values;
}
