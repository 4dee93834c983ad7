/**
 * The renderer's Content-Security-Policy (strict CSP, the renderer needs no network).
 * Electron sends `RENDERER_CSP` as a header on every app-scheme response; the built index.html
 * also carries a meta tag (renderer/index.html) so the page is covered in both shells. Multiple
 * policies all apply, so the page gets the strictest of them. Pure: tested in plain Node.
 */

/** The policy the Electron shell sends: same-origin scripts only, no network beyond its own origin. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // React and uPlot set styles through CSSOM, which CSP does not govern; inline style
  // attributes in markup are allowed for component libraries that emit them.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A parsed policy: directive name → its source expressions (lower-cased names). */
export type ParsedCsp = Map<string, string[]>;

/** Parse a serialised policy; a repeated directive keeps its first occurrence, as browsers do. */
export function parseCsp(policy: string): ParsedCsp {
  const parsed: ParsedCsp = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!parsed.has(key)) parsed.set(key, sources);
  }
  return parsed;
}

const NETWORK_SOURCE =
  /^(\*|https?:|wss?:|data:|blob:|filesystem:|[a-z0-9.-]+\.[a-z]{2,}|\*\..+|https?:\/\/.+|wss?:\/\/.+)$/i;

/**
 * What makes `policy` weaker than the baseline, as sentences (empty = strict): scripts only from
 * 'self' with no inline or eval, a default of 'none' or 'self', no plugins, no <base> tricks,
 * and no source anywhere that reaches the network (connect-src 'self' is allowed: in the browser
 * console that is its own WebSocket; under tocsin:// it reaches nothing).
 */
export function cspWeaknesses(policy: string): string[] {
  const csp = parseCsp(policy);
  const problems: string[] = [];
  const effective = (name: string) => csp.get(name) ?? csp.get('default-src');
  const defaults = csp.get('default-src');
  if (!defaults || !(sameAs(defaults, ["'none'"]) || sameAs(defaults, ["'self'"])))
    problems.push("default-src must be 'none' or 'self'");
  const scripts = effective('script-src');
  if (!scripts || !sameAs(scripts, ["'self'"]))
    problems.push(`script-src must be exactly 'self' (is ${scripts?.join(' ') ?? 'absent'})`);
  const objects = effective('object-src');
  if (!objects || !sameAs(objects, ["'none'"])) problems.push("object-src must be 'none'");
  const base = csp.get('base-uri');
  if (!base || !(sameAs(base, ["'none'"]) || sameAs(base, ["'self'"])))
    problems.push("base-uri must be 'none' or 'self'");
  for (const [name, sources] of csp) {
    if (name === 'img-src' && sources.every((s) => ["'self'", 'data:', 'blob:'].includes(s))) continue;
    const remote = sources.filter(
      (s) =>
        NETWORK_SOURCE.test(s) || s.includes('unsafe-eval') || (s.includes('unsafe-inline') && name !== 'style-src'),
    );
    if (remote.length) problems.push(`${name} allows ${remote.join(' ')}`);
  }
  return problems;
}

function sameAs(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && actual.every((s, i) => s.toLowerCase() === expected[i]);
}

/** The content of every `<meta http-equiv="Content-Security-Policy">` in an HTML document. */
export function cspMetaTags(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    if (content)
      found.push(
        (content[1] ?? content[2] ?? '')
          .replace(/&#39;|&apos;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&'),
      );
  }
  return found;
}
