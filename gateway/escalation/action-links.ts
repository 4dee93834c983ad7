/**
 * Signed, expiring, single-use acknowledge links. A token is base64url(JSON {a: alert id,
 * p: person id, e: expiry ms, n: nonce}) "." base64url(HMAC-SHA256 of that first part with
 * the link secret). Whoever holds the link may acknowledge that alert as that person until it
 * expires, once: the nonce is recorded when it is used.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../../common/result.js';

/** What a valid token grants. */
export type LinkGrant = { alertId: string; personId: string; expiresAt: number; nonce: string };

/** Why a token is refused (each is an HTTP error code). */
export type LinkRefusal = 'link_invalid' | 'link_expired';

/** The path acknowledge links are served under; the token is the `t` query parameter. */
export const ACK_PATH = '/v1/ack';

/** Signs and checks acknowledge tokens with one secret. */
export class ActionLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly publicUrl: string,
    private readonly ttlMs: number,
    /** Where the browser console is served (default `<publicUrl>/console`). */
    private readonly consoleBase = `${publicUrl}/console`,
  ) {
    this.key = Buffer.from(secret, 'utf8');
  }

  /** A fresh token for `personId` to acknowledge `alertId`, valid for the configured time from `now`. */
  sign(alertId: string, personId: string, now: number): string {
    const claims = { a: alertId, p: personId, e: now + this.ttlMs, n: randomBytes(16).toString('base64url') };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The acknowledge URL for a token. */
  url(token: string): string {
    return `${this.publicUrl}${ACK_PATH}?t=${token}`;
  }

  /** The console's URL for an alert (the console opens the alert named after `#/alert/`). */
  consoleUrl(alertId: string): string {
    return `${this.consoleBase}#/alert/${encodeURIComponent(alertId)}`;
  }

  /** What the token grants, if its signature holds and it has not expired at `now`. */
  verify(token: string, now: number): Result<LinkGrant, LinkRefusal> {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return fail('link_invalid', 'not a link token');
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return fail('link_invalid', 'the signature does not match');
    }
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return fail('link_invalid', 'unreadable claims');
    }
    const { a, p, e, n } = (claims ?? {}) as Record<string, unknown>;
    if (typeof a !== 'string' || typeof p !== 'string' || typeof e !== 'number' || typeof n !== 'string') {
      return fail('link_invalid', 'incomplete claims');
    }
    if (e <= now) return fail('link_expired', `expired ${new Date(e).toISOString()}`);
    return ok({ alertId: a, personId: p, expiresAt: e, nonce: n });
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
