/**
 * The two settings only the desktop shell can apply — "Start at login" and "Keep Tocsin in the
 * tray when the window closes" — read from what the core answers (getSettings at start-up, a
 * saved updateSettings later), and how each OS applies them. Pure: tested in plain Node;
 * main/platform/login-item.ts and main/index.ts do the applying.
 */
import type { Result } from '../../common/result.js';
import { HIDDEN_ARG } from './autostart.js';

/** What the shell applies. */
export type DesktopSettings = { startAtLogin: boolean; closeToTray: boolean };

/**
 * The desktop settings in a core answer: getSettings' settings, or updateSettings' when it saved
 * them (a refused candidate changes nothing). Null for any other operation or a failure.
 */
export function desktopSettingsOf(op: string, result: Result<unknown>): DesktopSettings | null {
  if (!result.ok || (op !== 'getSettings' && op !== 'updateSettings')) return null;
  const value = result.value as { saved?: boolean; settings?: Partial<DesktopSettings> } | null;
  if (op === 'updateSettings' && value?.saved !== true) return null;
  const settings = value?.settings;
  if (typeof settings?.startAtLogin !== 'boolean' || typeof settings.closeToTray !== 'boolean') return null;
  return { startAtLogin: settings.startAtLogin, closeToTray: settings.closeToTray };
}

/** How start-at-login is applied on this platform. */
export type LoginItemPlan =
  /** Electron's login item (macOS: SMAppService, Windows: the Run registry key). */
  | { kind: 'electron'; settings: { openAtLogin: boolean; args?: string[] } }
  /** An XDG autostart entry (main/platform/autostart.ts). */
  | { kind: 'xdg'; enabled: boolean }
  | { kind: 'unsupported'; reason: string };

/**
 * The plan for `enabled`. macOS ignores `args` (app.md: `args` is Windows only), so a login launch
 * is recognised there by `wasOpenedAtLogin` instead (see `launchedHidden`). From source the
 * executable is the bare Electron binary, which would start Electron's default app at login: not
 * offered.
 */
export function loginItemPlan(platform: NodeJS.Platform, enabled: boolean, packaged: boolean): LoginItemPlan {
  if (!packaged)
    return { kind: 'unsupported', reason: 'start at login applies to the installed app, not to `npm start`' };
  if (platform === 'darwin') return { kind: 'electron', settings: { openAtLogin: enabled } };
  if (platform === 'win32') return { kind: 'electron', settings: { openAtLogin: enabled, args: [HIDDEN_ARG] } };
  return { kind: 'xdg', enabled };
}

/**
 * Whether this launch starts in the tray without a window: `--hidden` (Windows Run key, Linux
 * autostart entry), or on macOS `app.getLoginItemSettings().wasOpenedAtLogin` (app.md: "true if
 * the app was opened at login automatically"; the login item cannot carry arguments there).
 */
export function launchedHidden(argv: readonly string[], platform: NodeJS.Platform, wasOpenedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && wasOpenedAtLogin);
}
