import { describe, expect, it } from 'vitest';
import { cspMetaTags, cspWeaknesses, parseCsp, RENDERER_CSP } from './csp.js';

describe('renderer CSP', () => {
  it('is strict: no weakness found', () => {
    expect(cspWeaknesses(RENDERER_CSP)).toEqual([]);
    expect(parseCsp(RENDERER_CSP).get('default-src')).toEqual(["'none'"]);
    expect(parseCsp(RENDERER_CSP).get('connect-src')).toEqual(["'self'"]);
  });

  it.each([
    ["script-src 'self' 'unsafe-inline'", /script-src/],
    ["script-src 'self' 'unsafe-eval'", /script-src/],
    ["script-src 'self' https://cdn.example.com", /script-src/],
    ["connect-src 'self' https://api.example.com", /connect-src allows https:\/\/api\.example\.com/],
    ['connect-src *', /connect-src allows \*/],
    ["img-src 'self' https:", /img-src allows https:/],
  ])('finds the weakness in %s', (directive, problem) => {
    const name = directive.split(' ')[0]!;
    const policy = RENDERER_CSP.split('; ')
      .map((part) => (part.startsWith(`${name} `) ? directive : part))
      .join('; ');
    expect(cspWeaknesses(policy).join('\n')).toMatch(problem);
  });

  it('requires default-src, object-src and base-uri', () => {
    const problems = cspWeaknesses("script-src 'self'").join('\n');
    expect(problems).toMatch(/default-src/);
    expect(problems).toMatch(/object-src/);
    expect(problems).toMatch(/base-uri/);
  });

  it('reads CSP meta tags, in either quoting, and ignores other metas', () => {
    const html = `<head><meta charset="utf-8"><meta name="viewport" content="x">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'">
      <meta content='object-src &#39;none&#39;' http-equiv='content-security-policy'></head>`;
    expect(cspMetaTags(html)).toEqual(["default-src 'none'; script-src 'self'", "object-src 'none'"]);
    expect(cspMetaTags('<meta charset="utf-8">')).toEqual([]);
  });
});
