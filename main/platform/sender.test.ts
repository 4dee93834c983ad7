import { describe, expect, it } from 'vitest';
import { APP_URL } from './app-origin.js';
import { isTrustedSender } from './sender.js';

describe('isTrustedSender', () => {
  it("trusts the app's top frame on any of its pages", () => {
    expect(isTrustedSender('tocsin://app/index.html', true, APP_URL)).toBe(true);
    expect(isTrustedSender('tocsin://app/index.html#/history?q=disk', true, APP_URL)).toBe(true);
  });

  it.each([
    ['a subframe of the app', 'tocsin://app/index.html', false],
    ['another host on the scheme', 'tocsin://evil/index.html', true],
    ['a web page', 'https://app/index.html', true],
    ['a file: page', 'file:///work/dist/renderer/index.html', true],
    ['credentials smuggled into the URL', 'tocsin://x@app/index.html', true],
    ['a frame that is gone', null, true],
    ['an empty URL', '', true],
    ['about:blank', 'about:blank', true],
    ['garbage', '::', true],
  ] as const)('refuses %s', (_what, url, top) => {
    expect(isTrustedSender(url, top, APP_URL)).toBe(false);
  });

  it('refuses file: even when file: is expected (no origin to compare)', () => {
    expect(isTrustedSender('file:///a/index.html', true, 'file:///a/index.html')).toBe(false);
  });
});
