/**
 * The Web Push registration routes. A console registers the browser or device it runs on for
 * its person, with that person's device token: the gateway never takes a console's word for
 * who it is, so the subscription belongs to the person behind the token.
 *
 * - `GET /v1/push/key`: the VAPID public key a browser subscribes with (public by design).
 * - `POST /v1/push/subscriptions`: `{ subscription: PushSubscription.toJSON(), device }`.
 * - `DELETE /v1/push/subscriptions`: `{ endpoint }`, only the person's own.
 * - `POST /v1/push/test`: a test push to every subscription of the person, answering how it went.
 */
import { sendJson } from '../../../common/node/http/send-json.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Failure, Result } from '../../../common/result.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import { httpError, sendHttpError, type HttpErrorCode } from '../../server/http-errors.js';
import { readJsonBody } from '../../server/json-body.js';
import { bearerToken } from '../../server/upgrade.js';
import type { Channel } from '../channels/channel.js';
import type { Person } from '../directory.js';
import type { FiredEvent } from '../ladder.js';
import type { PushSubscriptions } from './push-store.js';

export const PUSH_KEY_PATH = '/v1/push/key';
export const PUSH_SUBSCRIPTIONS_PATH = '/v1/push/subscriptions';
export const PUSH_TEST_PATH = '/v1/push/test';

const MAX_BODY_BYTES = 8 * 1024;
const base64url = z.string().regex(/^[A-Za-z0-9_-]+=*$/, 'URL-safe base64');

/** A browser's `PushSubscription.toJSON()` and a name for the device; push services are https. */
export const PushRegistrationSchema = z.strictObject({
  subscription: z.object({
    endpoint: z.url({ protocol: /^https$/ }).max(2048),
    keys: z.object({ p256dh: base64url.min(80).max(100), auth: base64url.min(16).max(32) }),
  }),
  device: z.string().trim().min(1).max(128),
});

const UnsubscribeSchema = z.strictObject({ endpoint: z.string().min(1).max(2048) });

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Counts of registrations, by outcome. */
export type PushRouteStats = { subscribed: number; unsubscribed: number; refused: number; tests: number };

/** The four handlers, by method and path. */
export function pushRoutes(deps: {
  store: PushSubscriptions;
  publicKey: string;
  identify: (token: string) => Person | null;
  channel: Channel;
  consoleUrl: string;
  now: () => number;
}): { routes: Array<[method: string, path: string, route: Route]>; stats: PushRouteStats } {
  const stats: PushRouteStats = { subscribed: 0, unsubscribed: 0, refused: 0, tests: 0 };
  const person = (request: IncomingMessage): Person | null => {
    const token = bearerToken(request);
    return token === null ? null : deps.identify(token);
  };
  const refuse = (response: ServerResponse, failure: Failure<HttpErrorCode>) => {
    stats.refused++;
    sendHttpError(response, failure);
  };
  const body = async <T>(request: IncomingMessage, schema: z.ZodType<T>): Promise<Result<T, HttpErrorCode>> => {
    const json = await readJsonBody(request, MAX_BODY_BYTES);
    if (!json.ok) return json;
    const parsed = schema.safeParse(json.value);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : httpError('invalid_subscription', describeZodIssue(parsed.error, 'body', 'body'));
  };
  const subscribe: Route = async (request, response) => {
    const who = person(request);
    if (!who) return refuse(response, httpError('bad_token', 'a person’s device token is required'));
    const parsed = await body(request, PushRegistrationSchema);
    if (!parsed.ok) return refuse(response, parsed);
    const { subscription, device } = parsed.value;
    await deps.store.save({
      endpoint: subscription.endpoint,
      person: who.id,
      device,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      createdAt: deps.now(),
    });
    stats.subscribed++;
    sendJson(response, 201, { person: who.id, device });
  };
  const unsubscribe: Route = async (request, response) => {
    const who = person(request);
    if (!who) return refuse(response, httpError('bad_token', 'a person’s device token is required'));
    const parsed = await body(request, UnsubscribeSchema);
    if (!parsed.ok) return refuse(response, parsed);
    const removed = await deps.store.remove(parsed.value.endpoint, who.id);
    if (removed) stats.unsubscribed++;
    sendJson(response, 200, { removed });
  };
  const test: Route = async (request, response) => {
    request.resume();
    const who = person(request);
    if (!who) return refuse(response, httpError('bad_token', 'a person’s device token is required'));
    stats.tests++;
    const sent = await deps.channel.send({
      person: who,
      fired: testEvent(deps.now()),
      consoleUrl: deps.consoleUrl,
      ackUrl: '',
    });
    sendJson(
      response,
      200,
      sent.ok ? { delivered: true, detail: sent.value } : { delivered: false, detail: sent.message },
    );
  };
  const key: Route = async (request, response) => {
    request.resume();
    sendJson(response, 200, { publicKey: deps.publicKey });
  };
  return {
    stats,
    routes: [
      ['GET', PUSH_KEY_PATH, key],
      ['POST', PUSH_SUBSCRIPTIONS_PATH, subscribe],
      ['DELETE', PUSH_SUBSCRIPTIONS_PATH, unsubscribe],
      ['POST', PUSH_TEST_PATH, test],
    ],
  };
}

/** The alert a test push shows. */
function testEvent(now: number): FiredEvent {
  return {
    kind: 'fired',
    alertId: 'tocsin-test-push',
    source: 'tocsin',
    at: now,
    alert: {
      title: 'Test push from Tocsin',
      body: 'Push works on this device: escalations will reach you here when no console of yours is watched.',
      severity: 'info',
      category: 'other',
      labels: {},
      startsAt: now,
    },
  };
}
