/**
 * The cluster role of a gateway: with a JetStream journal, the leader lease, signals and shared
 * maps on the journal's connection (bucket `<stream>-leases`); with a SQLite journal, a lone
 * gateway that is its own leader.
 */
import type { Clock } from '../../common/clock.js';
import type { JournalConfig } from '../journal/journal-config.js';
import type { JournalPort } from '../journal/journal-port.js';
import { JetStreamJournalBackend } from '../journal/jetstream/jetstream-backend.js';
import { soloRole, type ClusterRole } from './cluster-role.js';
import { LeaderLease } from './leader-lease.js';
import { NatsClusterRole } from './nats-role.js';

/** How long a dead leader's lease lasts before another gateway takes over. */
export const LEASE_TTL_MS = 10_000;

/** Start this gateway's cluster role: its side of the leader lease when its journal is shared. */
export async function startClusterRole(
  journal: JournalPort,
  config: JournalConfig,
  deps: { holder: string; clock: Clock; log: (message: string) => void },
): Promise<ClusterRole> {
  if (!(journal instanceof JetStreamJournalBackend) || config.stream === undefined) return soloRole();
  const lease = await LeaderLease.open(journal.connection, {
    bucket: `${config.stream}-leases`,
    replicas: config.replicas,
    holder: deps.holder,
    ttlMs: config.leaseTtlMs ?? LEASE_TTL_MS,
    clock: deps.clock,
    log: deps.log,
  });
  await lease.start();
  return new NatsClusterRole(journal.connection, lease, {
    stream: config.stream,
    replicas: config.replicas,
    log: deps.log,
  });
}
