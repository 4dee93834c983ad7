import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_ERRORS, httpError, httpErrorBody, httpStatusOf } from './http-errors.js';

describe('the HTTP errors table', () => {
  it('builds messages from a detail, or appends one to a fixed message', () => {
    expect(httpError('no_route', 'GET /x')).toEqual({ ok: false, code: 'no_route', message: 'no route GET /x' });
    expect(httpError('bad_token')).toEqual({
      ok: false,
      code: 'bad_token',
      message: 'a valid bearer token is required',
    });
    expect(httpError('bad_token', 'wrong token').message).toBe('a valid bearer token is required (wrong token)');
    expect(httpStatusOf('journal_unavailable')).toBe(503);
    expect([httpStatusOf('link_invalid'), httpStatusOf('link_expired'), httpStatusOf('link_used')]).toEqual([
      403, 410, 409,
    ]);
    expect(httpError('link_expired', '2026-01-01T00:00:00.000Z').message).toBe(
      'this acknowledge link has expired (2026-01-01T00:00:00.000Z)',
    );
    expect(JSON.parse(httpErrorBody(httpError('body_too_large', '10')))).toEqual({
      code: 'body_too_large',
      error: 'body over 10 bytes',
    });
  });

  it('is the table documented in docs/gateway.md, row for row', () => {
    const docs = readFileSync(new URL('../../docs/gateway.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \| (.+) \|$/gm)].map(([, status, code, when]) => ({
      status: Number(status),
      code,
      when,
    }));
    expect(documented).toEqual(
      Object.entries(HTTP_ERRORS).map(([code, entry]) => ({ status: entry.status, code, when: entry.when })),
    );
  });
});
