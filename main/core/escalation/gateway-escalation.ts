/**
 * The console's side of escalation: it asks the gateway of a feed, over HTTP(S) with the feed's
 * own token, CA and key pin, for an alert's ladder, for who the token's person is (e-mail on
 * record, push subscriptions), whether the gateway can reach anyone, and registers this browser
 * for Web Push. Every answer is validated; a gateway without escalation answers 404, which reads
 * as "not configured" rather than as an error.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import {
  EscalationHealthSchema,
  EscalationLadderSchema,
  EscalationMeSchema,
  type EscalationHealth,
  type EscalationLadder,
  type EscalationMe,
  type PushSubscriptionJson,
} from '../../../common/api/escalation.js';
import { errorMessage, parseBoundedJson } from '../../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../../common/result.js';
import { pinnedIdentityCheck, type FeedEndpoint } from '../feed/feed-socket.js';

const MAX_ANSWER_BYTES = 256 * 1024;

/** The gateway's HTTP base for a feed URL: `wss://host:port/v1/feed` → `https://host:port`. */
export function gatewayBase(feedUrl: string): string {
  const url = new URL(feedUrl);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
}

/** Talks to one feed's gateway about escalation. */
export class GatewayEscalation {
  constructor(
    private readonly endpoint: FeedEndpoint,
    private readonly timeoutMs = 10_000,
  ) {}

  /** An alert's ladder; `null` when the gateway has no escalation. */
  ladder(alertId: string): Promise<Result<EscalationLadder | null>> {
    return this.call('GET', `/v1/escalation/ladder?alert=${encodeURIComponent(alertId)}`, EscalationLadderSchema);
  }

  /** Who the token's person is to the gateway; `null` when the gateway has no escalation. */
  me(): Promise<Result<EscalationMe | null>> {
    return this.call('GET', '/v1/escalation/me', EscalationMeSchema);
  }

  /** Whether the gateway can reach anyone; `null` when the gateway has no escalation. */
  health(): Promise<Result<EscalationHealth | null>> {
    return this.call('GET', '/v1/escalation/health', EscalationHealthSchema);
  }

  /** Register a browser's push subscription under the token's person. */
  subscribe(subscription: PushSubscriptionJson, device: string): Promise<Result<unknown>> {
    return this.call('POST', '/v1/push/subscriptions', z.unknown(), { subscription, device });
  }

  /** Forget one of the person's subscriptions. */
  unsubscribe(endpoint: string): Promise<Result<unknown>> {
    return this.call('DELETE', '/v1/push/subscriptions', z.unknown(), { endpoint });
  }

  /** Ask for a test push to every subscription of the person. */
  testPush(): Promise<Result<{ delivered: boolean; detail: string } | null>> {
    return this.call('POST', '/v1/push/test', z.object({ delivered: z.boolean(), detail: z.string() }));
  }

  private call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<Result<T | null>> {
    const url = new URL(path, gatewayBase(this.endpoint.url));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const request = send(
        url,
        {
          method,
          timeout: this.timeoutMs,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: 'application/json',
            ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}),
          },
          ...(this.endpoint.ca ? { ca: this.endpoint.ca } : {}),
          ...(this.endpoint.pin ? { checkServerIdentity: pinnedIdentityCheck(this.endpoint.pin) } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`answer over ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          response.on('end', () => resolve(this.read(response.statusCode ?? 0, Buffer.concat(chunks), schema, path)));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer in ${this.timeoutMs} ms`)));
      request.on('error', (error) => resolve(fail('unreachable', `${method} ${url.pathname}: ${errorMessage(error)}`)));
      request.end(text);
    });
  }

  private read<T>(status: number, body: Buffer, schema: z.ZodType<T>, path: string): Result<T | null> {
    if (status === 404) return ok(null);
    const json = parseBoundedJson(body.toString('utf8'));
    if (status < 200 || status >= 300) {
      const message = json.ok && typeof json.value === 'object' && json.value && 'error' in json.value;
      return fail(`http_${status}`, `${path}: ${message ? String((json.value as { error: unknown }).error) : status}`);
    }
    if (!json.ok) return fail('bad_answer', `${path}: ${json.message}`);
    const parsed = schema.safeParse(json.value);
    return parsed.success ? ok(parsed.data) : fail('bad_answer', `${path}: ${parsed.error.issues[0]?.message}`);
  }
}
