/**
 * What the Electron shell needs from the core. The lead's CoreHost (main/core/host/core-host.ts)
 * satisfies the required part structurally; the tray members are optional until the core's tray
 * model crosses the worker boundary, and the tray shows "disconnected" until it does (no news is
 * never shown as all-clear: DESIGN.md).
 */
import type { OperationName, Result, UiUpdate } from '../../preload/contract.js';
import type { WindowState } from '../core/host/window-state.js';

/** The tray's worst state; each has its own icon shape (resources/tray). */
export const TRAY_STATES = ['ok', 'warning', 'critical', 'security', 'disconnected'] as const;
/** One of `TRAY_STATES`. */
export type TrayState = (typeof TRAY_STATES)[number];

/** What the core's tray model tells the shell; the core decides, the shell only draws it. */
export type TrayModel = {
  state: TrayState;
  /** One line about the feeds, e.g. "2 feeds live" or "prod: disconnected since 10:42". */
  status: string;
  counts: { firing: number; critical: number; security: number; unacknowledged: number };
  /** Notifications are snoozed until this time (ms since epoch), or null. */
  snoozedUntil: number | null;
  notificationsPaused: boolean;
};

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
