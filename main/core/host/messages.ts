/**
 * Messages between a shell (Electron main or the browser console) and the core's worker
 * thread. Both ends are our own code, so these are plain types; what the *page* sends is
 * validated against the contract before it gets here (main/core/api/dispatch.ts).
 */
import type { OperationName, Result, UiUpdate } from '../../../common/api/contract.js';
import type { TrayModel } from '../../../common/tray-model.js';
import type { WindowState } from '../../../common/window-state.js';
import type { ShellNotificationEvent } from '../notify/delivery/shell.js';
import type { NotificationRequest } from '../notify/request.js';

export type { ShellNotificationEvent };

/** How the shell asks the worker to start. */
export type CoreInit = {
  dataDir: string;
  userName: string;
  /** Extra feeds given on the command line; settings.json feeds are read by the worker. */
  feeds?: Array<{ id: string; name: string; url: string; token: string }>;
  /** 'off' for headless consoles and tests: decisions are still made and counted, nothing pops up. */
  notifications?: 'native' | 'off';
  /**
   * better-sqlite3's native module (a `better_sqlite3.node` path) for the history, its checkpoint
   * thread and the embedded gateway, when not node_modules' own: Electron run from source loads
   * the copy `npm run native:electron` builds for its ABI (docs/native-modules.md). Unset in the
   * packaged app (electron-builder rebuilt node_modules for Electron) and under plain Node.
   */
  sqliteNativeBinding?: string;
  /** `--reset-history`: move a damaged history aside and start a fresh one. */
  resetHistory?: boolean;
  /**
   * The shell shows the native notifications itself (Electron's Notification on macOS and
   * Windows: main/platform/notifications.ts); the worker forwards each request as a `notify`
   * message and waits for the shell's `notification` answers (delivery/shell.ts).
   */
  shellNotifications?: boolean;
  /** Tocsin's own alert sounds (resources/sounds): beside the asar when packaged; found from the bundle otherwise. */
  soundsDir?: string;
};

export type ToWorker =
  | { type: 'init'; init: CoreInit }
  | { type: 'invoke'; id: number; op: OperationName; request: unknown }
  | { type: 'window'; state: WindowState }
  /** The tray's Snooze 1/4/8 h and Pause notifications. */
  | { type: 'snooze'; hours: number }
  | { type: 'pause'; paused: boolean }
  /** The shell's news of a notification it shows for the worker (CoreInit.shellNotifications). */
  | { type: 'notification'; id: string; event: ShellNotificationEvent }
  | { type: 'close' }
  /**
   * Test hooks, obeyed only when the worker runs with TOCSIN_TEST_HOOKS=1: `crash` throws from a
   * timer so the worker really dies; `hang` blocks its event loop for good so the watchdog fires.
   */
  | { type: 'test-fault'; fault: CoreFault };

/** A fault the end-to-end tests inject into a running core. */
export type CoreFault = 'crash' | 'hang';

/** How often the worker says it is alive; the supervisor's watchdog counts the silence. */
export const HEARTBEAT_INTERVAL_MS = 500;

export type FromWorker =
  | { type: 'ready'; embeddedGatewayUrl: string | null }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'update'; update: UiUpdate }
  | { type: 'tray'; model: TrayModel }
  /** A notification's Open action: the shell brings the window up on that alert. */
  | { type: 'open-alert'; feedId: string; alertId: string }
  /** Open on a digest or a feed notification: the shell brings the window up, on no alert in particular. */
  | { type: 'show-console' }
  /** Open an https URL outside the console (a notification's Open runbook), through the shell's link rules. */
  | { type: 'open-external'; url: string }
  /** Show this notification (CoreInit.shellNotifications); the shell answers with `notification` messages. */
  | { type: 'notify'; id: string; request: NotificationRequest }
  | { type: 'closed' }
  /** Posted from a timer every HEARTBEAT_INTERVAL_MS: the worker's event loop is turning. */
  | { type: 'heartbeat' };
