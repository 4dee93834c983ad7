/**
 * What the Electron shell needs from the core. The lead's CoreHost (main/core/host/core-host.ts)
 * satisfies the required part structurally; the tray members are optional until the core's tray
 * model crosses the worker boundary, and the tray shows "disconnected" until it does (no news is
 * never shown as all-clear: DESIGN.md).
 */
import type { OperationName, Result, UiUpdate } from '../../preload/contract.js';
import type { WindowState } from '../core/host/window-state.js';

import type { TrayModel } from '../core/tray/tray-model.js';

/** The tray model is decided in the core; the shell imports it from there. */
export { TRAY_STATES, type TrayModel, type TrayState } from '../core/tray/tray-model.js';

/** The core as the shell sees it. */
export interface ShellCore {
  /** Run one operation; answers a result envelope, never throws across the boundary. */
  invoke(op: OperationName, request: unknown): Promise<Result<unknown>>;
  onUpdate(listener: (update: UiUpdate) => void): () => void;
  onOpenAlert(listener: (feedId: string, alertId: string) => void): () => void;
  setWindowState(state: WindowState): void;
  /** Flush the store and stop the worker. */
  close(): Promise<void>;
  /** Tray model changes (requested from the core host; see the shell's issue note). */
  onTrayModel?(listener: (model: TrayModel) => void): () => void;
  /** Snooze notifications for `hours` from now. */
  snoozeNotifications?(hours: number): void;
  /** Pause or resume notifications (alerts are still logged). */
  setNotificationsPaused?(paused: boolean): void;
}
