/**
 * Every HTTP error the gateway answers, in one table: its status, a stable machine code, and
 * its message (or how the message is built from a detail). Routes and the upgrade handler
 * decide *which* error; this file alone decides how it looks on the wire, so a client (a
 * script, Alertmanager, a test) can rely on `{ "code": …, "error": … }` and on the status
 * meaning the same thing on every path. docs/gateway.md lists the table.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { fail, type Failure } from '../../common/result.js';
import { refuseUpgrade } from '../../common/node/http/upgrade-refusal.js';

type Entry = {
  status: number;
  /** When it is answered (documentation, and the docs table). */
  when: string;
  /** The message, or a builder from the detail only the caller knows (a path, a parse error). */
  message: string | ((detail: string) => string);
};

/** The table: one entry per error, by code. */
export const HTTP_ERRORS = {
  bad_token: {
    status: 401,
    when: 'no `Authorization: Bearer` token, or one not configured (routes and feed upgrades)',
    message: 'a valid bearer token is required',
  },
  forbidden_origin: {
    status: 403,
    when: 'a feed upgrade from a browser `Origin` not in `allowedOrigins`',
    message: (origin) => `origin ${origin} not allowed`,
  },
  no_route: {
    status: 404,
    when: 'no route for that method and path; a feed upgrade to any path but `/v1/feed` (or to a target that is no URL)',
    message: (what) => `no route ${what}`,
  },
  bad_target: {
    status: 400,
    when: 'the request target is not a URL (`GET http://[`)',
    message: 'the request target is not a URL',
  },
  body_too_large: {
    status: 413,
    when: "a body over the route's limit (1 MiB for `/v1/events`, `maxBodyBytes` for Alertmanager)",
    message: (limit) => `body over ${limit} bytes`,
  },
  body_unreadable: {
    status: 400,
    when: 'the body could not be read (the peer aborted it)',
    message: (why) => `could not read the body: ${why}`,
  },
  body_not_json: { status: 400, when: 'the body is not JSON', message: (why) => `body is not JSON: ${why}` },
  body_too_deep: {
    status: 400,
    when: 'the body nests deeper than 32 levels',
    message: (why) => `body refused: ${why}`,
  },
  forbidden_key: { status: 400, when: 'the body holds a `__proto__` key', message: (why) => `body refused: ${why}` },
  invalid_event: {
    status: 400,
    when: '`POST /v1/events`: JSON that is not an event or a batch of 1 to 1000; the message names the field',
    message: (issue) => issue,
  },
  invalid_webhook: {
    status: 400,
    when: 'Alertmanager webhook: JSON that is not a version 4 payload; the message names the field',
    message: (issue) => issue,
  },
  invalid_grafana: {
    status: 400,
    when: '`/v1/grafana`: JSON that is not a Grafana webhook contact point payload; the message names the field',
    message: (issue) => issue,
  },
  invalid_nagios: {
    status: 400,
    when: '`/v1/nagios`: JSON that is not a notification of `deploy/nagios/tocsin-notify`; the message names the field',
    message: (issue) => issue,
  },
  invalid_zabbix: {
    status: 400,
    when: '`/v1/zabbix`: JSON that is not an event of the Tocsin media type (`deploy/zabbix`); the message names the field',
    message: (issue) => issue,
  },
  webhook_field_missing: {
    status: 400,
    when: '`/v1/webhooks/<name>`: a mapping expression gave no usable value for `id`, `title` or `labels`; the message names the item and field; nothing of the body was stored',
    message: (issue) => issue,
  },
  webhook_expression_failed: {
    status: 400,
    when: '`/v1/webhooks/<name>`: a mapping expression failed on this body (an error, over `timeoutMs`, deeper than `maxDepth`, more than `maxItems`); the message names the field; nothing of the body was stored',
    message: (issue) => issue,
  },
  invalid_subscription: {
    status: 400,
    when: '`/v1/push/subscriptions`: JSON that is not a Web Push subscription (https endpoint, p256dh and auth keys, device name); the message names the field',
    message: (issue) => issue,
  },
  link_invalid: {
    status: 403,
    when: '`/v1/ack`: an acknowledge link whose token is missing, malformed or not signed by this gateway',
    message: (why) => `not a valid acknowledge link: ${why}`,
  },
  link_expired: {
    status: 410,
    when: '`/v1/ack`: an acknowledge link past its expiry (`escalation.linkTtlMs`)',
    message: (when) => `this acknowledge link has expired (${when})`,
  },
  link_used: {
    status: 409,
    when: '`POST /v1/ack`: an acknowledge link already used (each acknowledges once)',
    message: 'this acknowledge link has already been used',
  },
  journal_unavailable: {
    status: 503,
    when: 'the journal could not store the events: nothing of the request was stored, retry it',
    message: (why) => `journal write failed: ${why}`,
  },
  not_ready: {
    status: 503,
    when: '`GET /readyz`: the journal is unreachable, or this gateway has not caught up with it (a load balancer sends consoles elsewhere)',
    message: (why) => `not ready: ${why}`,
  },
  unavailable: {
    status: 503,
    when: 'a route failed after accepting the request',
    message: (why) => `unavailable: ${why}`,
  },
  internal: {
    status: 500,
    when: 'a bug while routing the request (counted as `internal_error`)',
    message: 'internal error',
  },
} as const satisfies Record<string, Entry>;

/** The code of one of the gateway's HTTP errors. */
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** A builder's entry needs its detail; a fixed message may take one, shown in parentheses. */
type DetailOf<C extends HttpErrorCode> = (typeof HTTP_ERRORS)[C]['message'] extends string
  ? [detail?: string]
  : [detail: string];

/** The failure for `code`, its message built from `detail`. */
export function httpError<C extends HttpErrorCode>(code: C, ...[detail]: DetailOf<C>): Failure<C> {
  const message: Entry['message'] = HTTP_ERRORS[code].message;
  if (typeof message === 'function') return fail(code, message(detail ?? ''));
  return fail(code, detail === undefined ? message : `${message} (${detail})`);
}

/** The HTTP status a code is answered with. */
export function httpStatusOf(code: HttpErrorCode): number {
  return HTTP_ERRORS[code].status;
}

/** The JSON body of an error: `code` for programs, `error` (the message) for people and older clients. */
export function httpErrorBody(failure: Failure<HttpErrorCode>): string {
  return `${JSON.stringify({ code: failure.code, error: failure.message })}\n`;
}

/**
 * Answer a request with `failure`. Once headers are out, a status can no longer be given:
 * the response is only ended, not given a body that would corrupt what was already sent.
 */
export function sendHttpError(response: ServerResponse, failure: Failure<HttpErrorCode>): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = httpErrorBody(failure);
  response
    .writeHead(httpStatusOf(failure.code), {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    .end(body);
}

/** Refuse an upgrade on its raw socket with `failure`, the same JSON body as any other error. */
export function refuseUpgradeWith(socket: Duplex, failure: Failure<HttpErrorCode>): void {
  refuseUpgrade(socket, httpStatusOf(failure.code), { contentType: 'application/json', text: httpErrorBody(failure) });
}
