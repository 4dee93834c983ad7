/**
 * When the hidden-at-creation main window is first shown. Pure: tested in plain Node.
 *
 * The window is created with `show: false` and shown on `ready-to-show` to avoid a blank flash.
 * On Linux Wayland, since Electron 38 (which runs natively on Wayland when the session is Wayland:
 * electron/electron #48298), `ready-to-show` often never fires (electron/electron #48859, open for
 * 38 and 39 and reported since): a Wayland surface gets its role only when shown, so waiting
 * for it deadlocks and the window never appears. There the window is shown when the page has
 * loaded (`did-finish-load`, the workaround FreeTube and Signal Desktop ship). Everywhere, a
 * timer shows it anyway if neither event came.
 */

/** The events that show the window, whichever comes first. */
export type RevealEvent = 'ready-to-show' | 'did-finish-load';

/** How the first show happens. */
export type RevealPlan = { events: RevealEvent[]; fallbackMs: number };

/** If no event came by then, show the window anyway: a late paint beats no window. */
export const REVEAL_FALLBACK_MS = 5_000;

/**
 * Whether Electron runs on Wayland: an explicit `--ozone-platform` wins; otherwise Electron 38+
 * defaults to `--ozone-platform=auto` and runs natively on Wayland "when XDG_SESSION_TYPE=wayland"
 * (docs/breaking-changes.md, 38.0, which also removed ELECTRON_OZONE_PLATFORM_HINT). A bare
 * WAYLAND_DISPLAY counts too: showing on did-finish-load as well is harmless on X11.
 */
export function runsOnWayland(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  argv: readonly string[],
): boolean {
  if (platform !== 'linux') return false;
  const flag = argv.find((arg) => arg.startsWith('--ozone-platform='))?.split('=')[1];
  if (flag && flag !== 'auto') return flag === 'wayland';
  return env.XDG_SESSION_TYPE === 'wayland' || Boolean(env.WAYLAND_DISPLAY);
}

/** The plan for this platform and session. */
export function revealPlan(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  argv: readonly string[],
): RevealPlan {
  return {
    events: runsOnWayland(platform, env, argv) ? ['did-finish-load', 'ready-to-show'] : ['ready-to-show'],
    fallbackMs: REVEAL_FALLBACK_MS,
  };
}
