/**
 * The Electron main process: composition root only. Wires the platform adapters (window, tray,
 * IPC, security, app protocol) to the core, which runs in a worker thread so SQLite never blocks
 * this thread, under a supervisor that restarts it when it dies or hangs and raises an OS
 * notification when it does. Every decision is in main/core or in a pure main/platform module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir, userInfo } from 'node:os';
import { app, dialog, Menu, powerMonitor, protocol, session, type BrowserWindow } from 'electron';
import { systemClock } from '../common/clock.js';
import { CoreHost } from './core/host/core-host.js';
import { CoreSupervisor } from './core/host/core-supervisor.js';
import type { CoreInit } from './core/host/messages.js';
import { APP_URL } from './platform/app-origin.js';
import { appPaths } from './platform/app-paths.js';
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './platform/app-protocol.js';
import { electronAlarm } from './platform/alarm.js';
import { shellShowsNotifications } from './platform/notification-view.js';
import { ElectronNotifications } from './platform/notifications.js';
import { appMenuTemplate } from './platform/app-menu.js';
import type { ShellCore } from './platform/core-port.js';
import { desktopSettingsOf, launchedHidden, type DesktopSettings } from './platform/desktop-settings.js';
import { applyStartAtLogin, type LoginItemContext } from './platform/login-item.js';
import { registerIpc } from './platform/ipc.js';
import { sqliteBindingFor } from './platform/native-binding.js';
import { APP_ID, APP_NAME, shellOptionsFrom, type ShellOptions } from './platform/options.js';
import { QuitSequence } from './platform/quit.js';
import { failureEnding, SMOKE_OK, SMOKE_TIMEOUT_MS } from './platform/smoke.js';
import { startupFailure } from './platform/startup-failure.js';
import { installSecurityBaseline } from './platform/security.js';
import { openTray, type TrayIcon } from './platform/tray.js';
import { revealPlan } from './platform/window-reveal.js';
import { createMainWindow, revealWindow } from './platform/window.js';
import { errorMessage } from '../common/protocol/bounded-json.js';

/** Everything resolved from this bundle's directory (dist/main): app-paths.ts. */
const paths = () => appPaths(import.meta.dirname, app.isPackaged, process.resourcesPath);

/** The menu's "Show Tocsin": the window, once it exists. */
let showConsole = () => {};
const buildMenu = (template: Electron.MenuItemConstructorOptions[] | null) =>
  template === null ? null : Menu.buildFromTemplate(template);

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
  const quit = new QuitSequence({
    closeCore: async () => {
      const taken = running;
      running = null;
      if (!taken) return;
      taken.stopIpc();
      taken.tray?.destroy();
      await taken.core.close();
    },
    quit: () => app.quit(),
    log: (line) => console.error(line),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
  });

  app.on('second-instance', () => running && revealWindow(running.window));
  app.on('activate', () => running && revealWindow(running.window));
  app.on('window-all-closed', () => app.quit());
  // Graceful quit (quit.ts): the core flushes the store and stops first, within a deadline.
  app.on('before-quit', (event) => {
    if (quit.beforeQuit()) event.preventDefault();
  });

  app
    .whenReady()
    .then(async () => {
      // The end of the session (macOS logout, Linux shutdown): delay it only while the core closes.
      // The typings give this listener no argument, but Electron emits it with an event whose
      // preventDefault() delays the shutdown (electron_api_power_monitor.cc: ShouldShutdown()
      // returns !Emit("shutdown"); power-monitor.md documents e.preventDefault()).
      const onShutdown = (event: Electron.Event) => {
        if (quit.shutdown()) event.preventDefault();
      };
      powerMonitor.on('shutdown', onShutdown as unknown as () => void);
      Menu.setApplicationMenu(
        buildMenu(appMenuTemplate(process.platform, app.isPackaged, { showConsole: () => showConsole() })),
      );
      if (options.smokeTest) setTimeout(() => smokeFailed('timed out'), SMOKE_TIMEOUT_MS).unref();
      running = await start(options, quit);
      if (options.smokeTest) {
        const { webContents } = running.window;
        if (webContents.isLoading())
          await new Promise<void>((resolve) => webContents.once('did-finish-load', () => resolve()));
        console.log(SMOKE_OK);
        app.quit();
      }
    })
    .catch((error: Error) => {
      // A packaged app has no terminal: the reason and the way out go in a dialog too.
      const failure = startupFailure(error.message, { packaged: app.isPackaged, platform: process.platform });
      console.error(`Tocsin could not start: ${failure.content}`);
      if (failureEnding(options.smokeTest) === 'dialog') dialog.showErrorBox(failure.title, failure.content);
      app.exit(1);
    });
}

async function start(parsed: ShellOptions, quit: QuitSequence): Promise<Running> {
  // macOS login items carry no arguments: a login launch is known by wasOpenedAtLogin, which
  // Electron sets in applicationDidFinishLaunching (electron_application_delegate.mm), so only
  // after 'ready'.
  const atLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  const options = { ...parsed, startHidden: launchedHidden(process.argv, process.platform, atLogin) };
  const openLink = installSecurityBaseline(app, session.defaultSession, options.externalAllowlist);
  const { appRoot, preload, worker, renderer, resources: resourcesDir, icon } = paths();
  serveRenderer(protocol, renderer);
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
    // paplay and afplay read the sounds by path: they ship beside the asar (extraResources).
    soundsDir: join(paths().resources, 'sounds'),
    // macOS and Windows: Electron's Notification, shown here (notification-view.ts says why).
    ...(shellShowsNotifications(process.platform) ? { shellNotifications: true } : {}),
  };
  let reveal = () => {}; // the window, once it exists
  const core: ShellCore = await CoreSupervisor.start({
    start: () => CoreHost.start(worker, init),
    clock: systemClock,
    log: (line) => console.error(line),
    raiseAlarm: electronAlarm(icon, () => reveal()),
  });
  let tray: TrayIcon | null = null;
  const notifications = new ElectronNotifications(
    process.platform,
    (id, event) => core.answerNotification(id, event),
    {
      // Answers no core waits for (Windows Action Center after a restart): act on them directly.
      open: () => reveal(),
      acknowledge: ({ feedId, alertId }) =>
        void core.invoke('acknowledge', { feedId, alertId, comment: 'acknowledged from a notification' }),
      openLink: (url) => openLink(url),
    },
    icon,
  );
  core.onNotify((id, request) => notifications.show(id, request));
  // A notification's Open runbook: the same link rules as a link in the page.
  core.onOpenExternal((url) => openLink(url));
  // "Start at login" and "Keep Tocsin in the tray": read from the core now, applied again
  // whenever the settings page saves them (the answer passes through here on its way back).
  let desktop: DesktopSettings = { startAtLogin: false, closeToTray: true };
  let loginApplied: boolean | null = null;
  const applyDesktop = (next: DesktopSettings) => {
    desktop = next;
    if (loginApplied === next.startAtLogin) return;
    loginApplied = next.startAtLogin;
    void applyStartAtLogin(loginContext(), next.startAtLogin).then(
      (skipped) => skipped && console.warn(`Tocsin: start at login not applied: ${skipped}`),
      (error: unknown) => console.error(`Tocsin: start at login could not be applied: ${errorMessage(error)}`),
    );
  };
  const initial = desktopSettingsOf('getSettings', await core.invoke('getSettings', {}));
  if (initial) applyDesktop(initial);
  const window = createMainWindow({
    preloadPath: preload,
    url: APP_URL,
    iconPath: icon,
    core,
    startHidden: options.startHidden,
    closeToTray: () => desktop.closeToTray,
    trayAvailable: () => tray !== null,
    quitting: () => quit.quitting,
    reveal: revealPlan(process.platform, process.env, process.argv),
  });
  reveal = () => revealWindow(window);
  showConsole = reveal;
  // Windows: no 'before-quit' at shutdown or logout (app.md); 'session-end' is the last word.
  window.on('session-end', () => quit.sessionEnd());
  const watched: Pick<ShellCore, 'invoke' | 'onUpdate'> = {
    invoke: async (op, request) => {
      const result = await core.invoke(op, request);
      const next = desktopSettingsOf(op, result);
      if (next) applyDesktop(next);
      return result;
    },
    onUpdate: (listener) => core.onUpdate(listener),
  };
  const stopIpc = registerIpc(watched, window, APP_URL);
  tray = await openTray(
    resourcesDir,
    process.platform,
    {
      show: () => revealWindow(window),
      quit: () => app.quit(),
      snooze: (hours) => core.snoozeNotifications(hours),
      setPaused: (paused) => core.setNotificationsPaused(paused),
    },
    (line) => console.warn(line),
  );
  const trayIcon = tray;
  if (trayIcon) core.onTrayModel((model) => trayIcon.update(model));
  // A notification's Open action: bring the window up (the core tells the renderer which alert).
  core.onOpenAlert(() => revealWindow(window));
  core.onShowConsole(() => revealWindow(window));
  // Started hidden with nothing to bring it back: show the window after all.
  if (options.startHidden && tray === null) revealWindow(window);
  return { core, window, tray, stopIpc };
}

/** The smoke test did not see the app start in time. */
function smokeFailed(reason: string): void {
  console.error(`tocsin smoke test failed: ${reason}`);
  app.exit(1);
}

/** Where start-at-login is written (login-item.ts). */
function loginContext(): LoginItemContext {
  return {
    app,
    platform: process.platform,
    env: process.env,
    home: homedir(),
    execPath: process.execPath,
    packaged: app.isPackaged,
  };
}

main();
