/**
 * Decides whether an HTTP upgrade may become a feed connection, *before* the WebSocket
 * handshake: the token in `Authorization: Bearer`, no browser Origin (a web page must not
 * drive a gateway with an operator's network position), and the right path.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { requestUrl } from '../../common/node/http/request-url.js';

export const FEED_PATH = '/v1/feed';

export type UpgradeDecision = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

/** Constant-time check of a presented token against every configured one. */
export function tokenMatches(presented: string, tokens: readonly string[]): boolean {
  const given = Buffer.from(presented);
  let match = false;
  for (const token of tokens) {
    const expected = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match;
}

/** The bearer token of a request, or null. */
export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1]! : null;
}

/** Check an upgrade request. */
export function decideUpgrade(request: IncomingMessage, tokens: readonly string[], allowedOrigins: readonly string[]): UpgradeDecision {
  const path = requestUrl(request)?.pathname ?? null;
  if (path === null) return { ok: false, status: 404, reason: 'the request target is not a URL' };
  if (path !== FEED_PATH) return { ok: false, status: 404, reason: `no feed at ${path}` };
  const token = bearerToken(request);
  if (token === null) return { ok: false, status: 401, reason: 'missing bearer token' };
  if (!tokenMatches(token, tokens)) return { ok: false, status: 401, reason: 'wrong token' };
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins.includes(origin)) return { ok: false, status: 403, reason: `origin ${origin} not allowed` };
  return { ok: true };
}
