import { describe, expect, it } from 'vitest';
import { externalLinkDecision, isAllowedExternalUrl } from './external-urls.js';

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

describe('externalLinkDecision', () => {
  it('opens allowlisted https links, asks for any other http(s) link, refuses the rest', () => {
    expect(externalLinkDecision('https://runbooks.example.com/db', ['runbooks.example.com'])).toBe('open');
    expect(externalLinkDecision('https://grafana.internal:3000/d/x', [])).toBe('ask');
    expect(externalLinkDecision('http://dashboards.internal/x', [])).toBe('ask');
    for (const url of [
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'https://u:p@host/',
      'nonsense',
    ])
      expect(externalLinkDecision(url, []), url).toBe('refuse');
  });

  it('opens without asking once the user trusted the host for this run', () => {
    expect(externalLinkDecision('https://grafana.internal:3000/d/y', [], new Set(['grafana.internal:3000']))).toBe(
      'open',
    );
  });
});
