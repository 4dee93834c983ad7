/**
 * Escalation in a running gateway: the engine hears every journaled event, presence changes
 * bring due steps forward, and a link's acknowledgement goes through the action desk like a
 * console's, attributed to the link's person. Kept out of gateway.ts so that the composition
 * root stays a list of parts.
 *
 * In a cluster the engine follows the shared stream instead of this gateway's own appends (an
 * alert fired through another gateway escalates too, and a gateway that starts plans every
 * ladder in the replay window), and sends only while this gateway leads (cluster-escalation.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../common/result.js';
import { actorFor, type ActionDesk } from '../actions.js';
import type { Directory } from '../identity/directory.js';
import type { PresenceRegistry } from '../identity/presence.js';
import type { SinkEntry } from '../sources/sink.js';
import type { ClusterRole } from '../cluster/cluster-role.js';
import type { JournalView } from '../journal/journal-port.js';
import type { AlertEvent as JournaledAlertEvent } from '../../common/protocol/alert.js';
import { shareEscalation } from './cluster-escalation.js';
import type { JournaledEvent } from './escalator.js';
import {
  escalationConfig,
  installEscalation,
  openEscalationDatabase,
  type EscalationHooks,
  type InstalledEscalation,
} from './install.js';

export type AttachedEscalation = {
  installed: InstalledEscalation;
  /** Tell the engine what was just journaled (`seqs[i]` null: a deduplicated repeat). */
  journaled(entries: readonly SinkEntry[], seqs: readonly (number | null)[]): void;
  close(): Promise<void>;
};

export type AttachDeps = {
  journalPath: string;
  /** better-sqlite3's binary for this runtime (Electron's differs from Node's); Node's by default. */
  nativeBinding?: string;
  directory: Directory;
  presence: PresenceRegistry;
  actions: ActionDesk;
  publish(event: AlertEvent): void;
  clock: Clock;
  log(message: string): void;
  /** This gateway's place in its cluster (a lone gateway's own role shares nothing). */
  cluster: ClusterRole;
  /** The journal, followed in a cluster. */
  journal: JournalView & { onAppended(listener: () => void): void };
  /** This gateway's name (its signals and ledger records carry it). */
  self: string;
  /** The journal's replay window (`journal.maxAgeMs`). */
  windowMs: number;
};

/** Start escalation from the configuration's `escalation` section (validated here, naming the field). */
export async function attachEscalation(
  hooks: EscalationHooks,
  section: unknown,
  deps: AttachDeps,
): Promise<AttachedEscalation> {
  const config = escalationConfig(section, deps.directory);
  const shared = await shareEscalation(deps.cluster, {
    self: deps.self,
    clock: deps.clock,
    local: deps.presence,
    linkTtlMs: config.linkTtlMs,
    windowMs: deps.windowMs,
    ...(config.linkSecret ? { linkSecret: config.linkSecret } : {}),
  });
  const db = openEscalationDatabase(deps.journalPath, deps.nativeBinding);
  let installed: InstalledEscalation;
  try {
    installed = installEscalation(hooks, config, {
      db,
      directory: deps.directory,
      identify: (token) => deps.directory.personForToken(token),
      presence: shared?.presence ?? deps.presence,
      ...(shared ? { shared } : {}),
      publish: deps.publish,
      clock: deps.clock,
      log: deps.log,
      acknowledge: (alertId, personId) => acknowledgeAs(deps, alertId, personId),
      isAcknowledged: (alertId) => deps.journal.alertState(alertId)?.acknowledged != null,
    });
  } catch (error) {
    shared?.close();
    db.close();
    throw error;
  }
  const unsubscribe = (shared?.presence ?? deps.presence).onChange(() => installed.escalator.presenceChanged());
  let closed = false;
  const hear = (events: readonly JournaledEvent[]) => {
    if (closed) return;
    try {
      installed.onEvents(events);
    } catch (error) {
      // What is journaled is journaled: escalation trouble is logged, never the publisher's failure.
      deps.log(`escalation: handling journaled events failed: ${errorMessage(error)}`);
    }
  };
  if (shared) {
    let cursor = deps.journal.bounds().first - 1;
    const follow = () => {
      for (;;) {
        const frames = deps.journal.readAfter(cursor, 1_000);
        if (frames.length === 0) return;
        cursor = frames.at(-1)!.seq;
        hear(
          frames.map(({ seq, frame }) => ({ seq, event: (JSON.parse(frame) as { event: JournaledAlertEvent }).event })),
        );
      }
    };
    deps.journal.onAppended(follow);
    follow();
    deps.cluster.onLeaderChange((leader) => installed.escalator.leadershipChanged(leader));
  }
  return {
    installed,
    journaled: (entries, seqs) => {
      if (shared) return; // followed from the stream, whoever journaled it
      hear(entries.flatMap((entry, i) => (seqs[i] ? [{ seq: seqs[i]!, event: entry.event }] : [])));
    },
    close: async () => {
      closed = true;
      unsubscribe();
      await installed.close();
      db.close();
    },
  };
}

/** A link's Acknowledge: the same action a console sends, with its own idempotency key, as that person. */
async function acknowledgeAs(deps: AttachDeps, alertId: string, personId: string): Promise<Result<unknown>> {
  const person = deps.directory.person(personId);
  if (!person) return fail('unknown_person', `no person ${personId}`);
  const result = await deps.actions.apply(
    {
      type: 'action',
      id: `link-${randomUUID()}`,
      alertId,
      by: person.name,
      request: { action: 'acknowledge', comment: 'acknowledged from an escalation link' },
    },
    actorFor(person),
  );
  return result.ok ? ok(result.seq ?? null) : fail(result.code ?? 'internal', result.message ?? 'not acknowledged');
}
