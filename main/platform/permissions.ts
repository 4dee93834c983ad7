/**
 * Which web permissions the app's own page gets. Everything is denied (Electron's security
 * checklist, item "Handle session permission requests from remote content") except `fullscreen`
 * from the app's own main frame: the wall display's "Full screen" uses the Fullscreen API, which
 * Electron routes through the same handlers (session.md lists `fullscreen` among the permissions
 * of both setPermissionRequestHandler and setPermissionCheckHandler), so a blanket denial made
 * `requestFullscreen()` reject. Pure: tested in plain Node.
 */
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** The app's origin as Chromium reports it for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Permissions the app's page may have. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['fullscreen']);

function fromApp(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** A permission request (setPermissionRequestHandler): allowed only for the app's own main frame. */
export function allowPermissionRequest(
  permission: string,
  details: { requestingUrl?: string; isMainFrame?: boolean },
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && details.isMainFrame === true && fromApp(details.requestingUrl ?? '');
}

/** A permission check (setPermissionCheckHandler): allowed only when the app's origin asks. */
export function allowPermissionCheck(permission: string, requestingOrigin: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && fromApp(requestingOrigin);
}
