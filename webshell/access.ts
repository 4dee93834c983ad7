/**
 * Who may use the browser console. On loopback (the default) a random per-launch token is
 * printed in the console's URL; the first request carrying it gets a session cookie. Bound to
 * any other address, a password is required (an explicit flag), and a login form issues the
 * session. Every HTTP request and the `/api` WebSocket go through `authorize`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { requestUrl } from '../common/node/http/request-url.js';
import { fail, ok, type Result } from '../common/result.js';

export const SESSION_COOKIE = 'tocsin_console';

/** A fresh unguessable token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so response timing does not leak how much of a secret matched. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Who is let in (and a session cookie to set, after a token), or why not. */
export type Authorization = Result<
  { via: 'cookie' | 'token'; setCookie?: string },
  'no_credentials' | 'bad_credentials'
>;

/** Decides whether a request is from someone holding the launch token or a session. */
export class AccessGate {
  private readonly sessions = new Set<string>();

  constructor(
    /** The per-launch token printed in the URL (loopback mode), or null in password mode. */
    private readonly launchToken: string | null,
    /** The password for non-loopback binding, or null on loopback. */
    private readonly password: string | null,
    /** Served over TLS: cookies are `Secure`, never sent over plain HTTP. */
    private readonly secure = false,
  ) {
    if (launchToken === null && password === null) throw new Error('the console needs a launch token or a password');
  }

  /** Check a request's `?token=` or session cookie. A valid token also yields a session cookie. */
  authorize(request: IncomingMessage): Authorization {
    const token = requestUrl(request)?.searchParams.get('token') ?? null;
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (cookie !== null && this.isSession(cookie)) return ok({ via: 'cookie' });
    if (token !== null) {
      if (this.launchToken !== null && secretsEqual(token, this.launchToken)) {
        return ok({ via: 'token', setCookie: sessionCookie(this.launchToken, this.secure) });
      }
      return fail('bad_credentials', "the token is not this console's");
    }
    return cookie === null
      ? fail('no_credentials', 'no token and no session cookie')
      : fail('bad_credentials', 'the session cookie is not one this console issued');
  }

  /** Password mode: exchange the password for a session cookie, or null if it is wrong. */
  login(password: string): string | null {
    if (this.password === null || !secretsEqual(password, this.password)) return null;
    const session = newToken();
    this.sessions.add(session);
    return sessionCookie(session, this.secure);
  }

  /** True if `value` is the launch token or a session issued by `login`. */
  private isSession(value: string): boolean {
    if (this.launchToken !== null && secretsEqual(value, this.launchToken)) return true;
    for (const session of this.sessions) if (secretsEqual(value, session)) return true;
    return false;
  }
}

function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** The value of one cookie from a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/**
 * A WebSocket upgrade from a page must come from the console's own origin, or any website the
 * operator visits could drive the console with their cookie (cross-site WebSocket hijacking).
 * Non-browser clients send no Origin and authenticate with the token instead.
 */
export function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
