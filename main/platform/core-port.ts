/**
 * What the Electron shell needs from the core. The CoreSupervisor (main/core/host/core-supervisor.ts)
 * satisfies it: the core in its worker thread, restarted when it dies or hangs, with listeners
 * that outlive the restarts. While the core is down the tray shows the disconnected state and the
 * reason, because no news must never look like all clear.
 */
import type { OperationName, Result, UiUpdate } from '../../common/api/contract.js';
import type { WindowState } from '../../common/window-state.js';

import type { TrayModel } from '../../common/tray-model.js';
import type { ShellNotificationEvent } from '../core/notify/delivery/shell.js';
import type { NotificationRequest } from '../core/notify/request.js';

/** The tray model is decided in the core; the shell imports it from there. */
export { TRAY_STATES, type TrayModel, type TrayState } from '../../common/tray-model.js';

/** The core as the shell sees it. */
export interface ShellCore {
  /** Run one operation; answers a result envelope, never throws across the boundary (`unavailable` while restarting). */
  invoke(op: OperationName, request: unknown): Promise<Result<unknown>>;
  onUpdate(listener: (update: UiUpdate) => void): () => void;
  onOpenAlert(listener: (feedId: string, alertId: string) => void): () => void;
  /** Open on a digest or a feed notification: show the window, on no alert in particular. */
  onShowConsole(listener: () => void): () => void;
  setWindowState(state: WindowState): void;
  /** Stop supervising, flush the store and stop the worker. */
  close(): Promise<void>;
  /** Tray model changes, including the supervisor's own while the core restarts. */
  onTrayModel(listener: (model: TrayModel) => void): () => void;
  /** Snooze notifications for `hours` from now. */
  snoozeNotifications(hours: number): void;
  /** Pause or resume notifications (alerts are still logged). */
  setNotificationsPaused(paused: boolean): void;
  /** URLs the core asks to open outside (a notification's Open runbook): the shell's link rules apply. */
  onOpenExternal(listener: (url: string) => void): () => void;
  /** Notifications the shell shows for the core (macOS, Windows: main/platform/notifications.ts). */
  onNotify(listener: (id: string, request: NotificationRequest) => void): () => void;
  /** What became of one: on screen, or the user's answer. False when no running core waits for it. */
  answerNotification(id: string, event: ShellNotificationEvent): boolean;
}

/** The OS alarm the supervisor raises when the core goes down: title and body, shown by the shell. */
export type RaiseAlarm = (title: string, body: string) => void;
