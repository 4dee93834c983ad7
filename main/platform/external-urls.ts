/**
 * Which links may leave the app for the user's browser (`shell.openExternal`): https only, to
 * hosts on an allowlist (runbooks, dashboards, the alert's source). Everything else — file:,
 * javascript:, smb: (NTLM hash leak on Windows), http:, custom protocol handlers — is refused.
 * Pure: tested in plain Node.
 */

/**
 * True when `url` is an https URL without credentials or a non-default port, whose host is on
 * `allowlist`. An entry is an exact host name (`runbooks.example.com`) or `*.` plus a domain
 * (`*.example.com`, which matches subdomains only, not the bare domain).
 */
export function isAllowedExternalUrl(url: string, allowlist: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port !== '') return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  return allowlist.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry.startsWith('*.')) {
      const domain = entry.slice(2);
      return domain.includes('.') && host.endsWith(`.${domain}`);
    }
    return entry !== '' && host === entry;
  });
}
