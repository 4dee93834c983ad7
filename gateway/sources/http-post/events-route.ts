/**
 * POST /v1/events: scripts and other tools raise and resolve alerts. Token-protected; one
 * alert or an array; answers 202 with the seqs only after the journal write, 400 with the
 * reason, 401 for a bad token, 413 over 1 MiB, 503 when the journal cannot write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AlertBodySchema, AlertIdSchema } from '../../../common/protocol/alert.js';
import { MAX_FRAME_BYTES } from '../../../common/protocol/frames.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { ok, type Result } from '../../../common/result.js';
import { httpError, httpStatusOf, sendHttpError } from '../../server/http-errors.js';
import { readJsonBody, type BodyRefusal } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import type { EventSink, SinkEntry } from '../sink.js';
import { describeZodIssue } from '../../../common/zod-issue.js';

const PostedEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fired'),
    alertId: AlertIdSchema,
    alert: AlertBodySchema.extend({ startsAt: AlertBodySchema.shape.startsAt.optional() }),
  }),
  z.object({ kind: z.literal('resolved'), alertId: AlertIdSchema }),
]);
const BatchSchema = z.array(PostedEventSchema).min(1).max(1000);

/** Source name journaled with posted events. */
export const HTTP_SOURCE = 'http';

/** Why a post was refused: each is a code of the gateway's HTTP errors table. */
export type EventsRefusal = 'bad_token' | BodyRefusal | 'invalid_event' | 'journal_unavailable';

/** Handle one request: the journaled seqs, or the refusal; `now` is injected for tests. */
export async function handlePostedEvents(
  request: IncomingMessage,
  sink: EventSink,
  tokens: readonly string[],
  now: () => number,
): Promise<Result<{ seqs: Array<number | null> }, EventsRefusal>> {
  const token = bearerToken(request);
  if (token === null || !tokenMatches(token, tokens)) return httpError('bad_token');
  const body = await readJsonBody(request, MAX_FRAME_BYTES);
  if (!body.ok) return body;
  const json = body.value;
  // Parsed by shape, so the reason names the field ("3.alert.severity: …"), not just "invalid".
  const parsed = Array.isArray(json) ? BatchSchema.safeParse(json) : PostedEventSchema.safeParse(json);
  if (!parsed.success) return httpError('invalid_event', describeZodIssue(parsed.error, '(body)'));
  const at = now();
  const entries: SinkEntry[] = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map((posted) =>
    posted.kind === 'fired'
      ? {
          event: {
            kind: 'fired',
            alertId: posted.alertId,
            source: HTTP_SOURCE,
            at,
            alert: { ...posted.alert, startsAt: posted.alert.startsAt ?? at },
          },
        }
      : { event: { kind: 'resolved', alertId: posted.alertId, source: HTTP_SOURCE, at, endsAt: at } },
  );
  try {
    return ok({ seqs: await sink.publish(entries) });
  } catch (error) {
    return httpError('journal_unavailable', errorMessage(error));
  }
}

/** The route for startGateway's router: 202 with the seqs, or the error from the table. */
export function eventsRoute(
  sink: EventSink,
  tokens: readonly string[],
  now: () => number,
  refused: (reason: string) => void = () => {},
) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const answer = await handlePostedEvents(request, sink, tokens, now);
    if (answer.ok)
      return void response
        .writeHead(202, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(answer.value)}\n`);
    // Counted in the gateway's statistics by status: events_400, events_401, events_413, events_503.
    refused(`events_${httpStatusOf(answer.code)}`);
    sendHttpError(response, answer);
  };
}
