/**
 * The cluster side of a gateway whose journal is JetStream: the leader lease on the journal's
 * connection (bucket `<stream>-leases`). Nothing for a SQLite journal: a lone gateway is its
 * own leader.
 */
import type { Clock } from '../../common/clock.js';
import type { JournalConfig } from '../journal/journal-config.js';
import type { JournalPort } from '../journal/journal-port.js';
import { JetStreamJournalBackend } from '../journal/jetstream/jetstream-backend.js';
import { LeaderLease } from './leader-lease.js';

/** How long a dead leader's lease lasts before another gateway takes over. */
export const LEASE_TTL_MS = 10_000;

/** Start this gateway's side of the leader lease, when its journal is shared. */
export async function startLeaderLease(
  journal: JournalPort,
  config: JournalConfig,
  deps: { holder: string; clock: Clock; log: (message: string) => void },
): Promise<LeaderLease | undefined> {
  if (!(journal instanceof JetStreamJournalBackend)) return undefined;
  const lease = await LeaderLease.open(journal.connection, {
    bucket: `${config.stream}-leases`,
    replicas: config.replicas,
    holder: deps.holder,
    ttlMs: LEASE_TTL_MS,
    clock: deps.clock,
    log: deps.log,
  });
  await lease.start();
  return lease;
}
