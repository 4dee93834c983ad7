/**
 * The acknowledge link's routes. `GET /v1/ack?t=<token>` only shows a confirmation page: mail
 * scanners and link previews fetch links, and fetching must never act. `POST` (the page's
 * button, or ntfy's action) acknowledges, once: the token's nonce is recorded as used first,
 * and released again if the acknowledgement itself fails so the link can be retried.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Failure, Result } from '../../common/result.js';
import { requestUrl } from '../../common/node/http/request-url.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import { httpError, sendHttpError, type HttpErrorCode } from '../server/http-errors.js';
import type { ActionLinks, LinkGrant } from './action-links.js';
import { escapeHtml } from './channels/email.js';

/** Which link nonces were used: this gateway's own rows, or (in a cluster) a map every gateway shares. */
export interface LinkNonces {
  /** Record a nonce as used; false when it already was. */
  useNonce(nonce: string, now: number, expiresAt: number): boolean | Promise<boolean>;
  /** Forget a nonce whose acknowledgement failed, so the link can be tried again. */
  releaseNonce(nonce: string): void | Promise<void>;
}

/** Acknowledge an alert as a person (wired to the gateway's action desk). */
export type Acknowledge = (alertId: string, personId: string) => Promise<Result<unknown>>;

/** Counts of link outcomes, by what happened. */
export type LinkStats = {
  shown: number;
  acknowledged: number;
  invalid: number;
  expired: number;
  used: number;
  failed: number;
};

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The GET and POST handlers for `ACK_PATH`. */
export function ackRoutes(deps: {
  links: ActionLinks;
  store: LinkNonces;
  acknowledge: Acknowledge;
  now: () => number;
  personName: (personId: string) => string;
}): { get: Route; post: Route; stats: LinkStats } {
  const stats: LinkStats = { shown: 0, acknowledged: 0, invalid: 0, expired: 0, used: 0, failed: 0 };
  const refuse = (response: ServerResponse, failure: Failure<HttpErrorCode>) => {
    if (failure.code === 'link_invalid') stats.invalid++;
    else if (failure.code === 'link_expired') stats.expired++;
    else if (failure.code === 'link_used') stats.used++;
    else stats.failed++;
    sendHttpError(response, failure);
  };
  const grant = (request: IncomingMessage): Result<LinkGrant & { token: string }, 'link_invalid' | 'link_expired'> => {
    const token = requestUrl(request)?.searchParams.get('t') ?? '';
    const verified = deps.links.verify(token, deps.now());
    if (!verified.ok) return httpError(verified.code, verified.message);
    return { ok: true, value: { ...verified.value, token } };
  };
  const page = (response: ServerResponse, status: number, body: string) => {
    const html = `<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>Tocsin</title></head><body style="font-family: sans-serif">${body}</body></html>\n`;
    response
      .writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        // Framing would let another page trick a click on the button.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'x-frame-options': 'DENY',
        'content-length': Buffer.byteLength(html),
      })
      .end(html);
  };
  return {
    stats,
    get: async (request, response) => {
      const checked = grant(request);
      if (!checked.ok) return refuse(response, checked);
      stats.shown++;
      const { alertId, personId, token } = checked.value;
      page(
        response,
        200,
        `<p>Acknowledge alert <code>${escapeHtml(alertId)}</code> as ${escapeHtml(deps.personName(personId))}?</p>` +
          `<form method="post" action="${escapeHtml(deps.links.url(token))}"><button type="submit">Acknowledge</button></form>`,
      );
    },
    post: async (request, response) => {
      request.resume();
      const checked = grant(request);
      if (!checked.ok) return refuse(response, checked);
      const { alertId, personId, nonce, expiresAt } = checked.value;
      if (!(await deps.store.useNonce(nonce, deps.now(), expiresAt))) return refuse(response, httpError('link_used'));
      let result: Result<unknown>;
      try {
        result = await deps.acknowledge(alertId, personId);
      } catch (error) {
        result = { ok: false, code: 'threw', message: errorMessage(error) };
      }
      if (!result.ok) {
        await Promise.resolve(deps.store.releaseNonce(nonce)).catch(() => {});
        return refuse(response, httpError('unavailable', result.message));
      }
      stats.acknowledged++;
      page(
        response,
        200,
        `<p>Acknowledged <code>${escapeHtml(alertId)}</code> as ${escapeHtml(deps.personName(personId))}.</p>`,
      );
    },
  };
}
