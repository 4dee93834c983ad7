/**
 * What the window's events mean for the core (the notification policy notifies while the window
 * is hidden or minimised) and what closing the window does. Pure: tested in plain Node;
 * main/platform/window.ts feeds it BrowserWindow's isVisible/isMinimized/isFocused.
 */
import type { WindowState } from '../../common/window-state.js';

/** The raw facts BrowserWindow reports. */
export type WindowFacts = { isVisible: boolean; isMinimized: boolean; isFocused: boolean };

/**
 * Normalise the facts: some platforms report a minimised window as visible, and a window can keep
 * focus while hidden for a moment; neither means anyone can see it.
 */
export function windowStateOf(facts: WindowFacts): WindowState {
  const visible = facts.isVisible && !facts.isMinimized;
  return { visible, minimized: facts.isMinimized, focused: visible && facts.isFocused };
}

/** True when two states differ, so the core hears about changes only. */
export function windowStateChanged(previous: WindowState | null, next: WindowState): boolean {
  return (
    previous === null ||
    previous.visible !== next.visible ||
    previous.minimized !== next.minimized ||
    previous.focused !== next.focused
  );
}

/** What a click on the window's close button does. */
export type CloseAction = 'hide-to-tray' | 'close';

/**
 * Closing hides to the tray unless the user turned that off, the app is quitting (tray Quit,
 * Cmd+Q, OS shutdown), or there is no tray to come back from.
 */
export function closeAction(options: { hideToTray: boolean; quitting: boolean; trayAvailable: boolean }): CloseAction {
  return options.hideToTray && !options.quitting && options.trayAvailable ? 'hide-to-tray' : 'close';
}
