/**
 * POST /v1/events: scripts and other tools raise and resolve alerts. Token-protected; one
 * alert or an array; answers 202 with the seqs only after the journal write, 400 with the
 * reason, 401 for a bad token, 413 over 1 MiB, 503 when the journal cannot write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AlertBodySchema, AlertIdSchema } from '../../../common/protocol/alert.js';
import { MAX_FRAME_BYTES } from '../../../common/protocol/frames.js';
import { readJsonBody } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import type { EventSink, SinkEntry } from '../sink.js';
import { describeZodIssue } from '../../../common/zod-issue.js';

const PostedEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fired'), alertId: AlertIdSchema, alert: AlertBodySchema.extend({ startsAt: AlertBodySchema.shape.startsAt.optional() }) }),
  z.object({ kind: z.literal('resolved'), alertId: AlertIdSchema }),
]);
const BatchSchema = z.array(PostedEventSchema).min(1).max(1000);

/** Source name journaled with posted events. */
export const HTTP_SOURCE = 'http';

type Answer = { status: number; body: unknown };

/** Handle one request; `now` is injected for tests. */
export async function handlePostedEvents(request: IncomingMessage, sink: EventSink, tokens: readonly string[], now: () => number): Promise<Answer> {
  const token = bearerToken(request);
  if (token === null || !tokenMatches(token, tokens)) return { status: 401, body: { error: 'a valid bearer token is required' } };
  const body = await readJsonBody(request, MAX_FRAME_BYTES);
  if (!body.ok) return { status: body.status, body: { error: body.message } };
  const json = body.value;
  // Parsed by shape, so the reason names the field ("3.alert.severity: …"), not just "invalid".
  const parsed = Array.isArray(json) ? BatchSchema.safeParse(json) : PostedEventSchema.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: describeZodIssue(parsed.error, '(body)') } };
  const at = now();
  const entries: SinkEntry[] = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map((posted) =>
    posted.kind === 'fired'
      ? { event: { kind: 'fired', alertId: posted.alertId, source: HTTP_SOURCE, at, alert: { ...posted.alert, startsAt: posted.alert.startsAt ?? at } } }
      : { event: { kind: 'resolved', alertId: posted.alertId, source: HTTP_SOURCE, at, endsAt: at } },
  );
  try {
    return { status: 202, body: { seqs: await sink.publish(entries) } };
  } catch (error) {
    return { status: 503, body: { error: `journal write failed: ${(error as Error).message}` } };
  }
}

/** The route for startGateway's router. */
export function eventsRoute(sink: EventSink, tokens: readonly string[], now: () => number, refused: (reason: string) => void = () => {}) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const answer = await handlePostedEvents(request, sink, tokens, now);
    // Counted in the gateway's statistics by status: events_400, events_401, events_413, events_503.
    if (answer.status >= 400) refused(`events_${answer.status}`);
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.body)}\n`);
  };
}
