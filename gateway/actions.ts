/**
 * Console actions (acknowledge, snooze, …) become journaled events that every console
 * receives. Each carries an idempotency key: the same key applied twice has one effect,
 * and both calls get the same answer, even across a gateway restart. The gateway, not the
 * console, says who acted: the `by` a console puts in its frame is ignored.
 */
import type { AlertEvent, AlertState } from '../common/protocol/alert.js';
import type { ClientFrame, ServerFrame } from '../common/protocol/frames.js';
import type { SourceActionHandler } from './sources/sink.js';
import { errorMessage } from '../common/protocol/bounded-json.js';

type ActionFrame = Extract<ClientFrame, { type: 'action' }>;
type ActionResult = Extract<ServerFrame, { type: 'action_result' }>;

/**
 * What actions need from a journal: the journal port, or the synchronous SQLite journal itself.
 * `recordActionResult` may answer with the result stored under the key (compare-and-set: when
 * another gateway of a cluster recorded one first, that one is the answer).
 */
export type ActionJournal = {
  alertState(alertId: string): AlertState | undefined;
  actionResult(actionId: string): string | undefined | Promise<string | undefined>;
  recordActionResult(actionId: string, result: string, at: number): void | string | Promise<string>;
};

/**
 * Journals and fans out an action's event; resolves with its seq, or null when the action's
 * id was journaled already (the same action applied at once through another gateway).
 */
export type PublishAction = (event: AlertEvent, actionId: string) => number | null | Promise<number | null>;

/** How long an action applied at once elsewhere may take to record its result. */
const CONCURRENT_RESULT_WAIT_MS = 2_000;

/** Who an action is attributed to: a person's display name and id, or "console". */
export type Actor = { by: string; byId?: string };

/** A connection with a plain token: nobody in particular, and never who the console claims to be. */
export const CONSOLE_ACTOR: Actor = { by: 'console' };

/** The actor of a connection, from the person its token belongs to (null for a plain token). */
export function actorFor(person: { id: string; name: string } | null): Actor {
  return person ? { by: person.name, byId: person.id } : CONSOLE_ACTOR;
}

/**
 * Applies actions one effect per idempotency key: a key already answered gets the stored
 * answer (also after a restart, from the journal), and a key whose first application is still
 * running (a source handler may take a while) shares that application's answer.
 */
export class ActionDesk {
  private readonly inFlight = new Map<string, Promise<ActionResult>>();

  constructor(
    private readonly journal: ActionJournal,
    private readonly publish: PublishAction,
    private readonly handlers: ReadonlyMap<string, SourceActionHandler>,
    private readonly now: () => number,
  ) {}

  /** Apply `frame` as `actor`, or answer with the result its idempotency key already has. */
  apply(frame: ActionFrame, actor: Actor = CONSOLE_ACTOR): Promise<ActionResult> {
    const running = this.inFlight.get(frame.id);
    if (running) return running;
    const applying = applyAction(frame, this.journal, this.publish, this.handlers, this.now(), actor).finally(() =>
      this.inFlight.delete(frame.id),
    );
    this.inFlight.set(frame.id, applying);
    return applying;
  }
}

/** Apply one action as `actor`; `publish` journals and fans out the resulting event. */
export async function applyAction(
  frame: ActionFrame,
  journal: ActionJournal,
  publish: PublishAction,
  handlers: ReadonlyMap<string, SourceActionHandler>,
  now: number,
  actor: Actor = CONSOLE_ACTOR,
): Promise<ActionResult> {
  const previous = await journal.actionResult(frame.id);
  if (previous !== undefined) return JSON.parse(previous) as ActionResult;
  const alert = journal.alertState(frame.alertId);
  const fail = (code: NonNullable<ActionResult['code']>, message: string): ActionResult => ({
    type: 'action_result',
    id: frame.id,
    ok: false,
    code,
    message,
  });
  if (!alert) return fail('unknown_alert', `no alert ${frame.alertId}`);
  const handler = handlers.get(alert.source);
  if (frame.request.action === 'resolve' && handler)
    return fail('not_supported', `${alert.source} alerts resolve at their source`);
  try {
    await handler?.onAction(alert, frame.request, actor.by);
  } catch (error) {
    return fail('source_failed', `${alert.source}: ${errorMessage(error)}`);
  }
  const base = { alertId: frame.alertId, source: alert.source, at: now };
  const who = { by: actor.by, ...(actor.byId === undefined ? {} : { byId: actor.byId }), actionId: frame.id };
  const request = frame.request;
  const event: AlertEvent =
    request.action === 'acknowledge'
      ? { kind: 'acknowledged', ...base, ...who, ...(request.comment ? { comment: request.comment } : {}) }
      : request.action === 'unacknowledge'
        ? { kind: 'unacknowledged', ...base, ...who, ...(request.comment ? { comment: request.comment } : {}) }
        : request.action === 'snooze'
          ? { kind: 'snoozed', ...base, ...who, until: request.until }
          : request.action === 'comment'
            ? { kind: 'commented', ...base, ...who, comment: request.comment }
            : { kind: 'resolved', ...base, endsAt: now };
  let seq: number | null;
  try {
    seq = await publish(event, frame.id);
  } catch (error) {
    return fail('internal', `journal write failed: ${errorMessage(error)}`);
  }
  if (seq === null) return (await resultRecordedElsewhere(journal, frame.id)) ?? fail('internal', 'retry the action');
  const result: ActionResult = { type: 'action_result', id: frame.id, ok: true, seq };
  const text = JSON.stringify(result);
  const stored = await journal.recordActionResult(frame.id, text, now);
  return typeof stored === 'string' && stored !== text ? (JSON.parse(stored) as ActionResult) : result;
}

/** The result another gateway records for an action it applied at the same moment. */
async function resultRecordedElsewhere(journal: ActionJournal, actionId: string): Promise<ActionResult | undefined> {
  for (let waited = 0; waited <= CONCURRENT_RESULT_WAIT_MS; waited += 50) {
    const stored = await journal.actionResult(actionId);
    if (stored !== undefined) return JSON.parse(stored) as ActionResult;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
