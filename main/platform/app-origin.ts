/**
 * Where the renderer lives inside Electron: a privileged custom scheme (`tocsin://app/`) served
 * from dist/renderer, rather than file:// (Electron security checklist: prefer a custom protocol
 * over file://, so the page has a real origin that CSP 'self' and the IPC sender check can name).
 * Pure: no electron import, tested in plain Node.
 */
import { isAbsolute, join, normalize, relative } from 'node:path';

/** The scheme registered as privileged before `app.ready`. */
export const APP_SCHEME = 'tocsin';
/** The single host the scheme serves. */
export const APP_HOST = 'app';
/** The URL the window loads; also the URL every IPC sender must come from. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Map a request URL on the app scheme to a file inside `root` (dist/renderer), or null for any
 * other scheme or host, an undecodable path, or a path that would leave the root.
 */
export function resolveAppAsset(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  const wanted = normalize(path === '/' || path === '' ? '/index.html' : path).replace(/^\/+/, '');
  const full = join(root, wanted);
  const inside = relative(root, full);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? full : null;
}

/** Content types for what Vite emits; anything else is served as opaque bytes. */
export function contentTypeFor(file: string): string {
  const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
