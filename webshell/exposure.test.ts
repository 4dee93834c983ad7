import { describe, expect, it } from 'vitest';
import { checkExposure } from './exposure.js';

describe('where the console may listen', () => {
  const ask = (host: string, over: Partial<Parameters<typeof checkExposure>[0]> = {}) =>
    checkExposure({ host, password: false, tls: false, insecureHttp: false, ...over });

  it('needs nothing on loopback', () => {
    expect(ask('127.0.0.1')).toEqual({ ok: true, value: 'loopback' });
    expect(ask('::1')).toEqual({ ok: true, value: 'loopback' });
  });

  it('beyond loopback needs a password, and TLS or an explicit --insecure-http', () => {
    expect(ask('0.0.0.0')).toMatchObject({ ok: false, message: expect.stringContaining('give --password-file FILE') });
    expect(ask('0.0.0.0', { password: true })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/in the clear: give --tls-cert FILE --tls-key FILE, or --insecure-http/),
    });
    expect(ask('10.0.0.5', { password: true, tls: true })).toEqual({ ok: true, value: 'tls' });
    expect(ask('10.0.0.5', { password: true, insecureHttp: true })).toEqual({ ok: true, value: 'insecure-http' });
    expect(ask('10.0.0.5', { tls: true })).toMatchObject({ ok: false }); // TLS is no password
  });
});
