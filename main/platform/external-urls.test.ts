import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './external-urls.js';

const allowlist = ['runbooks.example.com', '*.grafana.example.net'];

describe('isAllowedExternalUrl', () => {
  it('allows https links to allowlisted hosts and their wildcard subdomains', () => {
    expect(isAllowedExternalUrl('https://runbooks.example.com/disk-full#fix', allowlist)).toBe(true);
    expect(isAllowedExternalUrl('https://RUNBOOKS.example.com./x', allowlist)).toBe(true);
    expect(isAllowedExternalUrl('https://eu.grafana.example.net/d/abc?from=now-1h', allowlist)).toBe(true);
  });

  it.each([
    ['file:', 'file:///etc/passwd'],
    ['file: on Windows', 'file://C:/Windows/System32/calc.exe'],
    ['javascript:', 'javascript:alert(1)'],
    ['smb: (NTLM hash leak)', 'smb://runbooks.example.com/share'],
    ['http:', 'http://runbooks.example.com/'],
    ['ms-msdt: protocol handler', 'ms-msdt:/id PCWDiagnostic'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a host not on the list', 'https://evil.example.org/'],
    ['a look-alike suffix', 'https://runbooks.example.com.evil.org/'],
    ['a look-alike prefix', 'https://notrunbooks.example.com/'],
    ['the bare domain of a wildcard', 'https://grafana.example.net/'],
    ['credentials in the URL', 'https://user:pw@runbooks.example.com/'],
    ['a non-default port', 'https://runbooks.example.com:8443/'],
    ['garbage', 'not a url'],
    ['empty', ''],
  ])('refuses %s', (_what, url) => {
    expect(isAllowedExternalUrl(url, allowlist)).toBe(false);
  });

  it('refuses everything with an empty allowlist, and ignores a wildcard without a domain', () => {
    expect(isAllowedExternalUrl('https://runbooks.example.com/', [])).toBe(false);
    expect(isAllowedExternalUrl('https://anything.com/', ['*.com'])).toBe(false);
    expect(isAllowedExternalUrl('https://anything.com/', ['*'])).toBe(false);
  });
});
