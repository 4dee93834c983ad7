import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AccessGate, isLoopback, isSameOrigin, readCookie, SESSION_COOKIE } from './access.js';
import { resolveInside } from './static-files.js';

const request = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;

describe('AccessGate (loopback, launch token)', () => {
  const gate = new AccessGate('launch-token-123', null);

  it('refuses a request with no token and no cookie', () => {
    expect(gate.authorize(request('/'))).toMatchObject({ ok: false, code: 'no_credentials' });
  });
  it('refuses a wrong token', () => {
    expect(gate.authorize(request('/?token=guess'))).toMatchObject({ ok: false, code: 'bad_credentials' });
  });
  it('accepts the launch token and issues an HttpOnly SameSite=Strict session cookie', () => {
    const result = gate.authorize(request('/?token=launch-token-123'));
    expect(result).toMatchObject({ ok: true, value: { via: 'token' } });
    expect(result.ok && result.value.setCookie).toBe(
      `${SESSION_COOKIE}=launch-token-123; HttpOnly; SameSite=Strict; Path=/`,
    );
  });
  it('accepts the session cookie alone', () => {
    expect(gate.authorize(request('/assets/app.js', { cookie: `a=b; ${SESSION_COOKIE}=launch-token-123` }))).toEqual({
      ok: true,
      value: { via: 'cookie' },
    });
  });
  it('refuses a forged cookie', () => {
    expect(gate.authorize(request('/', { cookie: `${SESSION_COOKIE}=launch-token-124` }))).toMatchObject({
      ok: false,
      code: 'bad_credentials',
    });
  });
});

describe('AccessGate (password mode)', () => {
  const gate = new AccessGate(null, 'correct horse battery');
  it('issues a fresh session only for the right password, and that session then authorizes', () => {
    expect(gate.login('wrong')).toBeNull();
    const cookie = gate.login('correct horse battery');
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly`));
    const value = cookie!.split(';')[0]!;
    expect(gate.authorize(request('/', { cookie: value }))).toEqual({ ok: true, value: { via: 'cookie' } });
  });
  it('has no launch token: a ?token= is refused', () => {
    expect(gate.authorize(request('/?token=correct horse battery'))).toMatchObject({
      ok: false,
      code: 'bad_credentials',
    });
  });
});

describe('request checks', () => {
  it('refuses cross-origin WebSocket upgrades and accepts same-origin or non-browser ones', () => {
    expect(isSameOrigin(request('/api', { host: '127.0.0.1:7417', origin: 'http://127.0.0.1:7417' }))).toBe(true);
    expect(isSameOrigin(request('/api', { host: '127.0.0.1:7417', origin: 'https://evil.example' }))).toBe(false);
    expect(isSameOrigin(request('/api', { host: '127.0.0.1:7417', origin: 'null' }))).toBe(false);
    expect(isSameOrigin(request('/api', { host: '127.0.0.1:7417' }))).toBe(true);
  });
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.5', '::'].some(isLoopback)).toBe(false);
  });
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; b=two=2; c=3', 'b')).toBe('two=2');
    expect(readCookie(undefined, 'b')).toBeNull();
  });
  it('never resolves a static path outside the renderer directory', () => {
    expect(resolveInside('/srv/renderer', '/')).toBe('/srv/renderer/index.html');
    expect(resolveInside('/srv/renderer', '/assets/app.js')).toBe('/srv/renderer/assets/app.js');
    expect(resolveInside('/srv/renderer', '/../../etc/passwd')).toBe('/srv/renderer/etc/passwd');
    expect(resolveInside('/srv/renderer', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/renderer/etc/passwd');
    expect(resolveInside('/srv/renderer', '/a%00b')).toBeNull();
    expect(resolveInside('/srv/renderer', '/%E0%A4%A')).toBeNull();
  });
});
