/**
 * The security baseline applied to every web contents and to the default session (Electron's
 * security checklist): navigation and new windows denied, `<webview>` refused, links
 * opened externally only when `isAllowedExternalUrl` says so, every permission denied. The
 * decisions live in pure modules (external-urls.ts, csp.ts); this file only wires them.
 */
import { shell, type App, type Session, type WebContents } from 'electron';
import { isAllowedExternalUrl } from './external-urls.js';

/** Install the baseline. Call once, after `app.whenReady()`, before any window is created. */
export function installSecurityBaseline(app: App, session: Session, externalAllowlist: readonly string[]): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, externalAllowlist));
}

/** Deny navigation, new windows and webviews for one web contents; hand allowlisted links to the OS. */
export function hardenContents(contents: WebContents, externalAllowlist: readonly string[]): void {
  const openOutside = (url: string) => {
    if (isAllowedExternalUrl(url, externalAllowlist)) void shell.openExternal(url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
