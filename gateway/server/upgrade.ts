/**
 * Decides whether an HTTP upgrade may become a feed connection, *before* the WebSocket
 * handshake: the token in `Authorization: Bearer`, no browser Origin (a web page must not
 * drive a gateway with an operator's network position), and the right path. The token is a
 * plain one (the connection acts as "console") or a person's device token (it acts as them).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { requestUrl } from '../../common/node/http/request-url.js';
import { ok, type Result } from '../../common/result.js';
import { httpError } from './http-errors.js';
import type { Person } from '../identity/config.js';
import type { Directory } from '../identity/directory.js';

export const FEED_PATH = '/v1/feed';

/** Why an upgrade was refused: each is a code of the HTTP errors table, which gives its status. */
export type UpgradeRefusal = 'bad_token' | 'forbidden_origin' | 'no_route';

/** Admitted (as the person whose device token it was, or null for a plain token), or refused. */
export type UpgradeDecision = Result<Person | null, UpgradeRefusal>;

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

/** Check an upgrade request; `directory` adds the people's device tokens to the plain ones. */
export function decideUpgrade(
  request: IncomingMessage,
  tokens: readonly string[],
  allowedOrigins: readonly string[],
  directory?: Directory,
): UpgradeDecision {
  const path = requestUrl(request)?.pathname ?? null;
  // No feed is there: a target that is no URL is a 404 here, as any path but the feed's.
  if (path === null) return httpError('no_route', `${request.method} to a feed: the request target is not a URL`);
  if (path !== FEED_PATH) return httpError('no_route', `${request.method} ${path}: the feed is at ${FEED_PATH}`);
  const token = bearerToken(request);
  if (token === null) return httpError('bad_token', 'none given');
  // Both checks always run, so the time taken does not say which kind of token was given.
  const plain = tokenMatches(token, tokens);
  const person = directory?.personForToken(token) ?? null;
  if (!plain && !person) return httpError('bad_token', 'wrong token');
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins.includes(origin)) return httpError('forbidden_origin', origin);
  return ok(person);
}
