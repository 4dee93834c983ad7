/**
 * POST /v1/events: scripts and other tools raise and resolve alerts. Token-protected; one
 * alert or an array; answers 202 with the seqs only after the journal write, 400 with the
 * reason, 401 for a bad token, 413 over 1 MiB, 503 when the journal cannot write.
 *
 * A sender that retries (its connection broke before the 202, a load balancer moved it to
 * another gateway) sends the same `Idempotency-Key` header with the same body: each event of the
 * batch carries a dedup key made of the sender's token, the key, its place in the batch and its
 * content, so a repeat is journaled once (its seq answers `null`), on any gateway of a cluster.
 */
import { createHash } from 'node:crypto';
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
  const idempotencyKey = request.headers['idempotency-key'];
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)))
    return httpError('invalid_event', 'Idempotency-Key: one header of 1 to 255 visible ASCII characters');
  const posted = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const dedupKeys = idempotencyKey === undefined ? undefined : retryKeys(token, idempotencyKey, posted);
  const at = now();
  const entries: SinkEntry[] = posted.map((event, i) => ({
    ...eventOf(event, at),
    ...(dedupKeys ? { dedupKey: dedupKeys[i]! } : {}),
  }));
  try {
    return ok({ seqs: await sink.publish(entries) });
  } catch (error) {
    return httpError('journal_unavailable', errorMessage(error));
  }
}

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): printable ASCII, no spaces at the ends. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** Each event's dedup key for a request sent with an Idempotency-Key: the same request again is the same keys. */
function retryKeys(token: string, key: string, posted: readonly PostedEvent[]): string[] {
  const sender = createHash('sha256').update(token).digest('base64url').slice(0, 16);
  return posted.map((event, i) => {
    const content = createHash('sha256').update(JSON.stringify(event)).digest('base64url').slice(0, 22);
    return `http:${sender}:${key}:${i}:${content}`;
  });
}

type PostedEvent = z.output<typeof PostedEventSchema>;

function eventOf(posted: PostedEvent, at: number): SinkEntry {
  return posted.kind === 'fired'
    ? {
        event: {
          kind: 'fired',
          alertId: posted.alertId,
          source: HTTP_SOURCE,
          at,
          alert: { ...posted.alert, startsAt: posted.alert.startsAt ?? at },
        },
      }
    : { event: { kind: 'resolved', alertId: posted.alertId, source: HTTP_SOURCE, at, endsAt: at } };
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
