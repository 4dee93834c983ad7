/**
 * What the core tells a shell's tray, as types: the core derives it (main/core/tray), the
 * Electron shell only draws it (main/platform/tray-view). Shared here so that neither side
 * imports the other.
 */
import type { NotificationHealth } from './notify/health.js';

/** The tray's worst state; each has its own icon shape (resources/tray). */
export const TRAY_STATES = ['ok', 'warning', 'critical', 'security', 'disconnected'] as const;
export type TrayState = (typeof TRAY_STATES)[number];
/** The icon to show: `tray-<state>`. */
export type TrayIconName = `tray-${TrayState}`;
/** The feeds' worst link: `syncing` is connecting or catching up after a reconnect. */
export type TrayLink = 'live' | 'syncing' | 'stale' | 'disconnected' | 'no-feed';

/** What the core tells the shell; the shell only draws it. */
export type TrayModel = {
  state: TrayState;
  /** One line about the feeds, e.g. "2 feeds live" or "prod: disconnected". */
  status: string;
  counts: { firing: number; critical: number; security: number; unacknowledged: number };
  snoozedUntil: number | null;
  notificationsPaused: boolean;
  // The fields below are always set by deriveTrayModel; optional only so that a shell's own
  // placeholder model (before the core reports) stays valid.
  /** The icon file's base name. */
  icon?: TrayIconName;
  /** The tooltip: state in words (never colour alone), counts, link; at most 127 characters (Windows). */
  tooltip?: string;
  /** The menu's status line. */
  menuStatus?: string;
  link?: TrayLink;
  /** Unacknowledged firing alerts by the state they raise the tray to ("info": below warning). */
  byState?: { security: number; critical: number; warning: number; info: number };
  /** Why notifications are not reaching the user, or null. */
  notificationProblem?: string | null;
};
/** A model as deriveTrayModel returns it: every field set. */
export type DerivedTrayModel = TrayModel &
  Required<Pick<TrayModel, 'icon' | 'tooltip' | 'menuStatus' | 'link' | 'byState' | 'notificationProblem'>>;

/** Snooze, pause and delivery health, from the notification policy and center. */
export type TrayNotificationState = {
  snoozedUntil: number | null;
  paused: boolean;
  health?: Pick<NotificationHealth, 'state' | 'lastFailure'>;
};
