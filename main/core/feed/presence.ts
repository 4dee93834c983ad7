/**
 * What a console tells its gateways about whether anyone can see it. The shell reports the
 * window; a visible, unminimised window counts as watched even unfocused (a wall screen, a
 * second monitor), since an operator reads it without typing into it.
 */
import type { PresenceState } from '../../../common/protocol/frames.js';
import type { WindowState } from '../../../common/window-state.js';

/** The presence a window state amounts to. */
export function presenceOf(window: WindowState): PresenceState {
  return window.visible && !window.minimized ? 'watched' : 'hidden';
}
