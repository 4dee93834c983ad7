/**
 * Escalation in a running gateway: the engine hears every journaled event, presence changes
 * bring due steps forward, and a link's acknowledgement goes through the action desk like a
 * console's, attributed to the link's person. Kept out of gateway.ts so that the composition
 * root stays a list of parts.
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
import {
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
};

/** Start escalation from the configuration's `escalation` section (validated here, naming the field). */
export function attachEscalation(hooks: EscalationHooks, section: unknown, deps: AttachDeps): AttachedEscalation {
  const db = openEscalationDatabase(deps.journalPath, deps.nativeBinding);
  let installed: InstalledEscalation;
  try {
    installed = installEscalation(hooks, section, {
      db,
      directory: deps.directory,
      identify: (token) => deps.directory.personForToken(token),
      presence: deps.presence,
      publish: deps.publish,
      clock: deps.clock,
      log: deps.log,
      acknowledge: (alertId, personId) => acknowledgeAs(deps, alertId, personId),
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const unsubscribe = deps.presence.onChange(() => installed.escalator.presenceChanged());
  return {
    installed,
    journaled: (entries, seqs) => {
      const events = entries.flatMap((entry, i) => (seqs[i] ? [{ seq: seqs[i]!, event: entry.event }] : []));
      try {
        installed.onEvents(events);
      } catch (error) {
        // What is journaled is journaled: escalation trouble is logged, never the publisher's failure.
        deps.log(`escalation: handling journaled events failed: ${errorMessage(error)}`);
      }
    },
    close: async () => {
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
