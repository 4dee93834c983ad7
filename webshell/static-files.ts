/**
 * Serves the built renderer (dist/renderer) with a strict Content-Security-Policy. Paths are
 * resolved inside the root only; anything else is 404, never a file elsewhere on disk.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** The console's CSP: only its own scripts, and network only to its own `/api` socket. */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * The service worker's own policy (a worker is governed by its script's headers, not the page's):
 * its Acknowledge action POSTs an escalation link to the gateway, which is another origin, so it
 * may reach https origins; it runs no code but its own.
 */
export function serviceWorkerPolicy(host: string): string {
  return contentSecurityPolicy(host).replace(
    `connect-src 'self' ws://${host} wss://${host}`,
    "connect-src 'self' https:",
  );
}

/** Map a URL path to a file inside `root`, or null when it would escape the root. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  const full = join(root, relative);
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** Answer a GET for a renderer file. */
export async function serveStatic(
  root: string,
  urlPath: string,
  host: string,
  response: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const file = resolveInside(root, urlPath);
  const body = file === null ? null : await readFile(file).catch(() => null);
  if (file === null || body === null) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const type = MIME[extname(file)] ?? 'application/octet-stream';
  const worker = urlPath === '/sw.js';
  response.writeHead(200, {
    'content-type': type,
    'content-security-policy': worker ? serviceWorkerPolicy(host) : contentSecurityPolicy(host),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // A new worker must reach browsers at once; HTML is never cached.
    'cache-control': type.startsWith('text/html') || worker ? 'no-store' : 'private, max-age=3600',
    ...extraHeaders,
  });
  response.end(body);
}
