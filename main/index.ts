/**
 * The Electron main process: composition root only. Wires the platform adapters (window, tray,
 * IPC, security, app protocol) to the core, which runs in a worker thread so SQLite never blocks
 * this thread, under a supervisor that restarts it when it dies or hangs and raises an OS
 * notification when it does. Every decision is in main/core or in a pure main/platform module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { app, dialog, Notification, protocol, session, type BrowserWindow } from 'electron';
import { systemClock } from '../common/clock.js';
import { CoreHost } from './core/host/core-host.js';
import { CoreSupervisor } from './core/host/core-supervisor.js';
import type { CoreInit } from './core/host/messages.js';
import { APP_URL } from './platform/app-origin.js';
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './platform/app-protocol.js';
import type { RaiseAlarm, ShellCore } from './platform/core-port.js';
import { registerIpc } from './platform/ipc.js';
import { sqliteBindingFor } from './platform/native-binding.js';
import { APP_ID, APP_NAME, shellOptionsFrom, type ShellOptions } from './platform/options.js';
import { startupFailure } from './platform/startup-failure.js';
import { installSecurityBaseline } from './platform/security.js';
import { TrayIcon } from './platform/tray.js';
import { createMainWindow, revealWindow } from './platform/window.js';
import { errorMessage } from '../common/protocol/bounded-json.js';

const distDir = join(import.meta.dirname, '..');
/** The directory holding package.json: the project from source, `app.asar` when packaged. */
const appRoot = join(distDir, '..');

/** Everything the running app holds, so quitting can take it down in order. */
type Running = { core: ShellCore; window: BrowserWindow; tray: TrayIcon | null; stopIpc: () => void };

function main(): void {
  // Started as `electron dist/main/index.cjs` (no package.json beside it) Electron would call
  // itself "Electron" and keep history, settings and the single-instance lock under …/Electron,
  // shared with any app started that way. userData is derived from the name on first use
  // (shell/common/electron_paths.cc) and the lock lives there (App::RequestSingleInstanceLock):
  // both are fixed before either is read. scripts/start-electron.mjs starts `electron <root>`.
  if (app.getName() !== APP_NAME) {
    app.setName(APP_NAME);
    app.setPath('userData', join(app.getPath('appData'), APP_NAME));
  }
  // A second launch focuses the first instead of starting another core on the same database.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID); // notifications need it
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]); // before 'ready'
  const options = shellOptionsFrom(process.argv, process.env);
  let running: Running | null = null;
  let quitting = false;
  let flushed = false;

  app.on('second-instance', () => running && revealWindow(running.window));
  app.on('activate', () => running && revealWindow(running.window));
  app.on('window-all-closed', () => app.quit());
  // Graceful quit: hold the quit until the core has flushed the store and stopped.
  app.on('before-quit', (event) => {
    quitting = true;
    if (flushed || !running) return;
    event.preventDefault();
    const { core, tray, stopIpc } = running;
    running = null;
    stopIpc();
    tray?.destroy();
    void core.close().finally(() => {
      flushed = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(async () => {
      running = await start(options, () => quitting);
    })
    .catch((error: Error) => {
      // A packaged app has no terminal: the reason and the way out go in a dialog too.
      const failure = startupFailure(error.message, { packaged: app.isPackaged, platform: process.platform });
      console.error(`Tocsin could not start: ${failure.content}`);
      dialog.showErrorBox(failure.title, failure.content);
      app.exit(1);
    });
}

async function start(options: ShellOptions, isQuitting: () => boolean): Promise<Running> {
  installSecurityBaseline(app, session.defaultSession, options.externalAllowlist);
  serveRenderer(protocol, join(distDir, 'renderer'));
  const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(distDir, '..', 'resources');
  const binding = sqliteBindingFor({
    packaged: app.isPackaged,
    appRoot,
    electronVersion: process.versions.electron,
    readStamp: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    exists: existsSync,
  });
  // Never fall back to node_modules' Node build from source: it fails with NODE_MODULE_VERSION.
  if (binding.kind === 'missing') throw new Error(binding.reason);
  const init: CoreInit = {
    dataDir: app.getPath('userData'),
    userName: userInfo().username,
    ...(binding.kind === 'binding' ? { sqliteNativeBinding: binding.path } : {}),
    ...(options.resetHistory ? { resetHistory: true } : {}),
  };
  let reveal = () => {}; // the window, once it exists
  const core: ShellCore = await CoreSupervisor.start({
    start: () => CoreHost.start(join(distDir, 'core', 'worker.cjs'), init),
    clock: systemClock,
    log: (line) => console.error(line),
    raiseAlarm: electronAlarm(join(resourcesDir, 'icon.png'), () => reveal()),
  });
  let tray: TrayIcon | null = null;
  const window = createMainWindow({
    preloadPath: join(distDir, 'preload', 'index.cjs'),
    url: APP_URL,
    iconPath: join(resourcesDir, 'icon.png'),
    core,
    startHidden: options.startHidden,
    closeToTray: options.closeToTray,
    trayAvailable: () => tray !== null,
    quitting: isQuitting,
  });
  reveal = () => revealWindow(window);
  const stopIpc = registerIpc(core, window, APP_URL);
  try {
    tray = new TrayIcon(resourcesDir, process.platform, {
      show: () => revealWindow(window),
      quit: () => app.quit(),
      snooze: (hours) => core.snoozeNotifications(hours),
      setPaused: (paused) => core.setNotificationsPaused(paused),
    });
    const trayIcon = tray;
    core.onTrayModel((model) => trayIcon.update(model));
  } catch (error) {
    // Some Linux desktops have no tray: keep the window, and closing it quits.
    console.warn(`Tocsin runs without a tray icon: ${errorMessage(error)}`);
    tray = null;
  }
  // A notification's Open action: bring the window up (the core tells the renderer which alert).
  core.onOpenAlert(() => revealWindow(window));
  core.onShowConsole(() => revealWindow(window));
  if (options.startHidden && tray === null) revealWindow(window);
  return { core, window, tray, stopIpc };
}

/**
 * The supervisor's alarm as a main-process Notification (critical, kept until dismissed where the
 * desktop allows); a click brings the window up. Each is held until it closes, so that it is not
 * collected while on screen and its click still arrives.
 */
function electronAlarm(iconPath: string, onClick: () => void): RaiseAlarm {
  const onScreen = new Set<Notification>();
  return (title, body) => {
    if (!Notification.isSupported())
      return void console.error(`tocsin: ${title}: ${body} (this desktop shows no notifications)`);
    const notification = new Notification({ title, body, icon: iconPath, urgency: 'critical', timeoutType: 'never' });
    onScreen.add(notification);
    notification.on('click', () => onClick());
    notification.on('close', () => onScreen.delete(notification));
    notification.on('failed', (_event, error) => {
      onScreen.delete(notification);
      console.error(`tocsin: the core alarm could not be shown: ${error}`);
    });
    notification.show();
  };
}

main();
