/**
 * The main window: hardened web preferences, hide-to-tray on close, and every visibility change
 * reported to the core (the notification policy notifies while nobody can see the window).
 * Decisions are in window-state.ts and window-reveal.ts (pure, tested).
 */
import { BrowserWindow } from 'electron';
import type { ShellCore } from './core-port.js';
import { closeAction, windowStateChanged, windowStateOf } from './window-state.js';
import type { RevealPlan } from './window-reveal.js';
import type { WindowState } from '../../common/window-state.js';

/** What the main window needs to know. */
export type MainWindowOptions = {
  preloadPath: string;
  url: string;
  iconPath?: string;
  core: Pick<ShellCore, 'setWindowState'>;
  /** Start hidden (launched at login); the tray brings it up. */
  startHidden: boolean;
  /** The "Keep Tocsin in the tray when the window closes" setting, as it is now. */
  closeToTray: () => boolean;
  /** When to show the window the first time (window-reveal.ts: Wayland may never send ready-to-show). */
  reveal: RevealPlan;
  trayAvailable: () => boolean;
  /** True once the app is quitting: closing must then really close. */
  quitting: () => boolean;
};

/** Create the main window and wire its events. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Tocsin',
    backgroundColor: '#101418',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links through a path that bypasses will-navigate (Electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  let reported: WindowState | null = null;
  const report = () => {
    if (window.isDestroyed()) return;
    const state = windowStateOf({
      isVisible: window.isVisible(),
      isMinimized: window.isMinimized(),
      isFocused: window.isFocused(),
    });
    if (windowStateChanged(reported, state)) options.core.setWindowState((reported = state));
  };
  window.on('show', report);
  window.on('hide', report);
  window.on('minimize', report);
  window.on('restore', report);
  window.on('focus', report);
  window.on('blur', report);
  window.on('close', (event) => {
    const action = closeAction({
      hideToTray: options.closeToTray(),
      quitting: options.quitting(),
      trayAvailable: options.trayAvailable(),
    });
    if (action === 'hide-to-tray') {
      event.preventDefault();
      window.hide();
    }
  });
  let revealed = false;
  const firstShow = () => {
    if (revealed || window.isDestroyed()) return;
    revealed = true;
    clearTimeout(fallback);
    if (!options.startHidden) window.show();
    report();
  };
  const fallback = setTimeout(firstShow, options.reveal.fallbackMs);
  for (const event of options.reveal.events) {
    if (event === 'ready-to-show') window.once('ready-to-show', firstShow);
    else window.webContents.once('did-finish-load', firstShow);
  }
  window.once('closed', () => clearTimeout(fallback));
  void window.loadURL(options.url);
  return window;
}

/** Bring the window up: restore if minimised, show, focus (tray Show, second launch, notification Open). */
export function revealWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
