/**
 * How the tray draws the core's tray model: which icon file, what tooltip, which menu items.
 * Pure. The core decides the state, the tooltip and the status line (main/core/tray/tray-model.ts);
 * this only lays them out, and main/platform/tray.ts turns the result into Electron objects.
 */
import { join } from 'node:path';
import { startingTrayModel } from '../core/tray/tray-model.js';
import type { TrayModel, TrayState } from './core-port.js';

/** Sizes of the generated Linux tray PNGs (each also has an @2x file). */
export const LINUX_TRAY_SIZES = [16, 22, 24, 32, 48] as const;
/** The size Electron's Linux tray (StatusNotifierItem / AppIndicator) is given. */
export const LINUX_TRAY_SIZE = 22;

/**
 * The icon file for a state on a platform. macOS gets a Template image (black + alpha, tinted by
 * the menu bar), Windows an .ico with every size, Linux a PNG; Electron loads the @2x sibling
 * on high-DPI screens by itself.
 */
export function trayIconFile(resourcesDir: string, state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(resourcesDir, 'tray', 'mac', `${state}Template.png`);
  if (platform === 'win32') return join(resourcesDir, 'tray', 'win', `${state}.ico`);
  return join(resourcesDir, 'tray', 'linux', `${state}-${LINUX_TRAY_SIZE}.png`);
}

/** The model before the core has reported: the core's own starting model (never "all clear"). */
export const UNKNOWN_TRAY_MODEL: TrayModel = startingTrayModel();

/** Windows truncates tray tooltips at 127 characters; keep every platform within that. */
export const TOOLTIP_MAX = 127;

const clip = (text: string) => (text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`);

/**
 * The tooltip: the core's (main/core/tray/tray-model.ts: the state in words, counts, link, and
 * "notifications FAILING" when delivery fails, as docs/notifications.md says). A model without one
 * (a shell placeholder) shows its status line.
 */
export function trayTooltip(model: TrayModel): string {
  return clip(model.tooltip ?? `Tocsin: ${model.menuStatus ?? model.status}`);
}

/** Menu item ids the tray reacts to. */
export type TrayAction = 'show' | 'snooze-1' | 'snooze-4' | 'snooze-8' | 'toggle-pause' | 'quit';

/** One menu row, independent of Electron's MenuItemConstructorOptions. */
export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean; checked?: boolean };

/** Snooze choices offered in the menu, in hours (snooze 1/4/8 h from the tray). */
export const SNOOZE_HOURS = [1, 4, 8] as const;

/**
 * The menu: a status line (and the snooze end, if any), Show, Snooze 1/4/8 h, Pause notifications,
 * Quit. Snooze and pause are disabled when the core offers no control for them.
 */
export function trayMenu(
  model: TrayModel,
  options: { canSnooze: boolean; canPause: boolean; formatTime: (ms: number) => string },
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'label', label: model.menuStatus ?? model.status }];
  // Why notifications are not reaching the user: in the menu, not only the tooltip.
  if (model.notificationProblem) items.push({ kind: 'label', label: model.notificationProblem });
  if (model.snoozedUntil !== null)
    items.push({ kind: 'label', label: `Notifications snoozed until ${options.formatTime(model.snoozedUntil)}` });
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'show', label: 'Show Tocsin', enabled: true },
    { kind: 'separator' },
  );
  for (const hours of SNOOZE_HOURS) {
    const label = `Snooze notifications for ${hours} hour${hours === 1 ? '' : 's'}`;
    items.push({ kind: 'action', action: `snooze-${hours}`, label, enabled: options.canSnooze });
  }
  items.push(
    {
      kind: 'action',
      action: 'toggle-pause',
      label: 'Pause notifications',
      enabled: options.canPause,
      checked: model.notificationsPaused,
    },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Tocsin', enabled: true },
  );
  return items;
}
