/**
 * The tray icon: draws the core's tray model (icon per state, tooltip with counts, menu) and
 * turns menu clicks into actions. What to draw is decided in tray-view.ts (pure, tested).
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayModel } from './core-port.js';
import {
  trayIconFile,
  trayMenu,
  trayTooltip,
  UNKNOWN_TRAY_MODEL,
  type TrayAction,
  type TrayMenuItem,
} from './tray-view.js';
import { dbusSend, probeRegistered, probeWatcher, trayUsable, type DbusSend } from './tray-host.js';

/** What the menu can do; snooze and pause are absent when the core does not offer them. */
export type TrayActions = {
  show(): void;
  quit(): void;
  snooze?: (hours: number) => void;
  setPaused?: (paused: boolean) => void;
};

/** The app's tray icon. Create after `app.ready`; call `destroy` on quit. */
export class TrayIcon {
  private readonly tray: Tray;
  private model: TrayModel = UNKNOWN_TRAY_MODEL;

  constructor(
    private readonly resourcesDir: string,
    private readonly platform: NodeJS.Platform,
    private readonly actions: TrayActions,
  ) {
    this.tray = new Tray(this.image(this.model));
    // Linux (AppIndicator) has no click event for most desktops: the menu's Show is the way back.
    this.tray.on('click', () => actions.show());
    this.render();
  }

  /** Draw a new model from the core. */
  update(model: TrayModel): void {
    const iconChanged = model.state !== this.model.state;
    this.model = model;
    if (iconChanged) this.tray.setImage(this.image(model));
    this.render();
  }

  /** Remove the icon from the tray. */
  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private image(model: TrayModel): Electron.NativeImage {
    const image = nativeImage.createFromPath(trayIconFile(this.resourcesDir, model.state, this.platform));
    if (this.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }

  private render(): void {
    this.tray.setToolTip(trayTooltip(this.model));
    const items = trayMenu(this.model, {
      canSnooze: this.actions.snooze !== undefined,
      canPause: this.actions.setPaused !== undefined,
      formatTime: (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(items.map((item) => this.toElectron(item))));
  }

  private toElectron(item: TrayMenuItem): MenuItemConstructorOptions {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'label') return { label: item.label, enabled: false };
    return {
      label: item.label,
      enabled: item.enabled,
      ...(item.checked === undefined ? {} : { type: 'checkbox' as const, checked: item.checked }),
      click: () => this.run(item.action),
    };
  }

  private run(action: TrayAction): void {
    switch (action) {
      case 'show':
        return this.actions.show();
      case 'quit':
        return this.actions.quit();
      case 'toggle-pause':
        return this.actions.setPaused?.(!this.model.notificationsPaused);
      case 'snooze-1':
      case 'snooze-4':
      case 'snooze-8':
        return this.actions.snooze?.(Number(action.slice('snooze-'.length)));
    }
  }
}

/** How long after `new Tray()` the watcher is asked whether it registered the item (Linux). */
export const REGISTRATION_GRACE_MS = 1_500;

/**
 * Create the tray where someone will see it, or answer null: the window then stays the way back
 * and closing it quits. `new Tray()` does not fail on a Linux desktop without a StatusNotifier
 * host, so the bus is asked before (is there a watcher?) and after (did it register us? electron
 * #53213) — see tray-host.ts.
 */
export async function openTray(
  resourcesDir: string,
  platform: NodeJS.Platform,
  actions: TrayActions,
  log: (line: string) => void,
  run: DbusSend = dbusSend,
): Promise<TrayIcon | null> {
  const watcher = platform === 'linux' ? await probeWatcher(run) : null;
  if (!trayUsable(platform, { watcher, registered: null })) {
    log(
      'Tocsin runs without a tray icon: no StatusNotifier host on this desktop (on GNOME, the AppIndicator extension provides one)',
    );
    return null;
  }
  let tray: TrayIcon;
  try {
    tray = new TrayIcon(resourcesDir, platform, actions);
  } catch (error) {
    log(`Tocsin runs without a tray icon: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  if (platform !== 'linux' || watcher === null) return tray;
  await new Promise((resolve) => setTimeout(resolve, REGISTRATION_GRACE_MS));
  const registered = await probeRegistered(run, process.pid);
  if (trayUsable(platform, { watcher, registered })) return tray;
  tray.destroy();
  log('Tocsin runs without a tray icon: the StatusNotifier host did not register it (electron/electron #53213)');
  return null;
}
