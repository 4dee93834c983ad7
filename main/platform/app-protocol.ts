/**
 * Serves the renderer on the privileged `tocsin://app/` scheme from dist/renderer, with the CSP
 * header on every response. The path decision is `resolveAppAsset` (pure, tested).
 */
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { APP_SCHEME, contentTypeFor, resolveAppAsset } from './app-origin.js';
import { RENDERER_CSP } from './csp.js';

/** The privileges the app scheme needs. Pass to `protocol.registerSchemesAsPrivileged` before `app.ready`. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/** Handle the app scheme on `protocol` (the default session's), serving files under `rendererDir`. */
export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(rendererDir, request.url);
    const body = file === null || request.method !== 'GET' ? null : await readFile(file).catch(() => null);
    if (file === null || body === null)
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeFor(file),
        'content-security-policy': RENDERER_CSP,
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
      },
    });
  });
}
