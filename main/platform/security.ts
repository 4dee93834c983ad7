/**
 * The security baseline applied to every web contents and to the default session (Electron's
 * security checklist): navigation and new windows denied, `<webview>` refused, links handed to
 * the user's browser as externalLinkDecision says (allowlisted, or confirmed by the user), every
 * permission denied except fullscreen for the app's own page (permissions.ts). The decisions live
 * in pure modules (external-urls.ts, permissions.ts, csp.ts); this file only wires them.
 */
import { BrowserWindow, dialog, shell, type App, type Session, type WebContents } from 'electron';
import { externalLinkDecision } from './external-urls.js';
import { allowPermissionCheck, allowPermissionRequest } from './permissions.js';

/** Opens a link outside the app as externalLinkDecision says; `from` is the page that asked, if any. */
export type LinkOpener = (url: string, from?: WebContents) => void;

/**
 * Install the baseline. Call once, after `app.whenReady()`, before any window is created.
 * Returns the link opener, for links that do not come from a page (a notification's Open runbook).
 */
export function installSecurityBaseline(app: App, session: Session, externalAllowlist: readonly string[]): LinkOpener {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermissionRequest(permission, details)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowPermissionCheck(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  const openOutside = linkOpener(externalAllowlist, new Set<string>());
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, openOutside));
  return openOutside;
}

/** Allowlisted links open, other http(s) links after the user confirmed them, the rest never. */
export function linkOpener(externalAllowlist: readonly string[], trustedHosts: Set<string>): LinkOpener {
  return (url, from) => {
    const decision = externalLinkDecision(url, externalAllowlist, trustedHosts);
    if (decision === 'open') void shell.openExternal(url);
    if (decision === 'ask') void confirmLink(from ?? null, url, trustedHosts);
  };
}

/** Deny navigation, new windows and webviews for one web contents; hand links to the OS as decided. */
export function hardenContents(contents: WebContents, openOutside: LinkOpener): void {
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, contents);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url, contents);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Ask before opening a link no allowlist names: the user sees the whole URL first. */
async function confirmLink(contents: WebContents | null, url: string, trustedHosts: Set<string>): Promise<void> {
  const host = new URL(url).host.toLowerCase();
  const options = {
    type: 'question' as const,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
    message: `Open this link in your browser?`,
    detail: url,
    checkboxLabel: `Don't ask again for ${host} until Tocsin restarts`,
  };
  const window = (contents && BrowserWindow.fromWebContents(contents)) ?? BrowserWindow.getAllWindows()[0] ?? null;
  const answer = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (answer.response !== 0) return;
  if (answer.checkboxChecked) trustedHosts.add(host);
  await shell.openExternal(url);
}
