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

/** What to do with a link the page wants to open outside. */
export type ExternalLinkDecision = 'open' | 'ask' | 'refuse';

/**
 * Allowlisted https links open; any other plain http(s) link (a runbook, a dashboard on a port,
 * an alert's source: the hosts come from the feeds, so no list can name them in advance) is
 * opened only after the user confirms it in a dialog showing the whole URL, or when its host was
 * confirmed with "don't ask again" in this run; anything else (file:, smb:, javascript:,
 * credentials in the URL) is refused. The packaged app thus opens links, and a compromised page
 * still cannot open one without the user seeing it.
 */
export function externalLinkDecision(
  url: string,
  allowlist: readonly string[],
  trustedHosts: ReadonlySet<string> = new Set(),
): ExternalLinkDecision {
  if (isAllowedExternalUrl(url, allowlist)) return 'open';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'refuse';
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password)
    return 'refuse';
  if (parsed.hostname === '') return 'refuse';
  return trustedHosts.has(parsed.host.toLowerCase()) ? 'open' : 'ask';
}
