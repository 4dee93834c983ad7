/**
 * The shell's handle on the core, which runs in a worker thread so that SQLite writes
 * (better-sqlite3 is synchronous) never block the Electron main thread or the browser
 * console's HTTP server. Worker threads, not utilityProcess: the same code path runs in
 * Electron and in plain Node, so what the tests exercise is what ships.
 */
import { Worker } from 'node:worker_threads';
import type { OperationName, RequestOf, ResponseOf, Result, UiUpdate } from '../../../common/api/contract.js';
import type { CoreFault, CoreInit, FromWorker, ShellNotificationEvent, ToWorker } from './messages.js';
import type { NotificationRequest } from '../notify/request.js';
import type { TrayModel } from '../../../common/tray-model.js';
import type { WindowState } from '../../../common/window-state.js';
import { LatestListeners, Listeners } from './listeners.js';

type Pending = (result: Result<unknown>) => void;

/** Why a core stopped: the reason in words and the worker's exit code (null if it never reported one). */
export type CoreDown = { reason: string; exitCode: number | null };

/** How long a worker may take from `init` to `ready` before it is taken for hung and ended. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;

/** What the supervisor (core-supervisor.ts) needs of one running core; CoreHost implements it. */
export interface SupervisedCore {
  readonly embeddedGatewayUrl: string | null;
  invoke(op: OperationName, request: unknown): Promise<Result<unknown>>;
  onUpdate(listener: (update: UiUpdate) => void): () => void;
  onOpenAlert(listener: (feedId: string, alertId: string) => void): () => void;
  /** Open on a digest or a feed notification: show the console on no alert in particular. */
  onShowConsole(listener: () => void): () => void;
  onTrayModel(listener: (model: TrayModel) => void): () => void;
  onHeartbeat(listener: () => void): () => void;
  onDown(listener: (down: CoreDown) => void): () => void;
  snoozeNotifications(hours: number): void;
  setNotificationsPaused(paused: boolean): void;
  /** URLs the core asks the shell to open outside (a notification's Open runbook). */
  onOpenExternal?(listener: (url: string) => void): () => void;
  /** Notifications the shell shows for the core (CoreInit.shellNotifications). */
  onNotify?(listener: (id: string, request: NotificationRequest) => void): () => void;
  /** The shell's news of one of them. */
  answerNotification?(id: string, event: ShellNotificationEvent): void;
  setWindowState(state: WindowState): void;
  close(): Promise<void>;
  /** End a hung worker at once; resolves with its exit code. */
  terminate(reason: string): Promise<number>;
  injectFault(fault: CoreFault): void;
}

/** A running core. Every method is safe to call after the worker died: calls answer `unavailable`. */
export class CoreHost implements SupervisedCore {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly updateListeners = new Listeners<[UiUpdate]>();
  private readonly openListeners = new Listeners<[feedId: string, alertId: string]>();
  private readonly showListeners = new Listeners<[]>();
  private readonly trayListeners = new LatestListeners<TrayModel>();
  private readonly heartbeatListeners = new Listeners<[]>();
  private readonly notifyListeners = new Listeners<[id: string, request: NotificationRequest]>();
  private readonly externalListeners = new Listeners<[url: string]>();
  private readonly downListeners = new Listeners<[CoreDown]>();
  private exited = false;
  /** Why the worker is going away, when it fails or is ended on purpose, before its exit code is known. */
  private cause: string | null = null;
  private down: CoreDown | null = null;

  private constructor(
    private readonly worker: Worker,
    /** The embedded demo gateway's URL when no feed is configured, else null. */
    readonly embeddedGatewayUrl: string | null,
  ) {
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('exit', (code) => this.onExit(code));
    worker.on('error', (error) => this.onError(`the core worker failed: ${error.name}: ${error.message}`));
  }

  /**
   * Start the worker (`workerPath` is the built dist/core/worker.cjs) and wait until the core is
   * ready; a worker that is not ready within `startTimeoutMs` is ended and the start fails.
   */
  static async start(workerPath: string, init: CoreInit, options: { startTimeoutMs?: number } = {}): Promise<CoreHost> {
    const worker = new Worker(workerPath);
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const ready = await new Promise<FromWorker>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('exit', onExit);
        worker.off('error', reject);
        worker.off('message', onMessage);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`the core worker exited with code ${code} before it was ready`));
      };
      // Heartbeats start before `init` is handled; the first answer that matters is ready or failed.
      const onMessage = (message: FromWorker) => {
        if (message.type === 'heartbeat') return;
        done();
        resolve(message);
      };
      const timer = setTimeout(() => {
        done();
        void worker.terminate();
        reject(new Error(`the core worker was not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.on('message', onMessage);
      worker.postMessage({ type: 'init', init } satisfies ToWorker);
    });
    if (ready.type !== 'ready') {
      await worker.terminate();
      throw new Error(ready.type === 'failed' ? ready.message : `unexpected first message ${ready.type}`);
    }
    return new CoreHost(worker, ready.embeddedGatewayUrl);
  }

  /** Run one API operation in the core. The request is validated there, against the contract. */
  invoke<N extends OperationName>(op: N, request: RequestOf<N> | unknown): Promise<Result<ResponseOf<N>>> {
    if (this.exited) return Promise.resolve({ ok: false, code: 'unavailable', message: 'the core is not running' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      this.post({ type: 'invoke', id, op, request });
    });
  }

  /** Subscribe to the core's coalesced UI updates. */
  onUpdate(listener: (update: UiUpdate) => void): () => void {
    return this.updateListeners.add(listener);
  }

  /** Subscribe to "open this alert" requests (a notification's Open action or click). */
  onOpenAlert(listener: (feedId: string, alertId: string) => void): () => void {
    return this.openListeners.add(listener);
  }

  /** Subscribe to "show the console" requests (Open on a digest or a feed notification). */
  onShowConsole(listener: () => void): () => void {
    return this.showListeners.add(listener);
  }

  /** Subscribe to the tray model (the latest is delivered at once if there is one). */
  onTrayModel(listener: (model: TrayModel) => void): () => void {
    return this.trayListeners.add(listener);
  }

  /** Called on every heartbeat the worker posts (the supervisor's watchdog). */
  onHeartbeat(listener: () => void): () => void {
    return this.heartbeatListeners.add(listener);
  }

  /** Called once when the worker has exited, with why and its exit code (at once if it already has). */
  onDown(listener: (down: CoreDown) => void): () => void {
    const down = this.down;
    if (!down) return this.downListeners.add(listener);
    queueMicrotask(() => listener(down));
    return () => {};
  }

  /** End the worker now, without a flush (it is hung); `reason` is what onDown reports. Resolves with the exit code. */
  async terminate(reason: string): Promise<number> {
    this.cause ??= reason;
    this.failPending(reason);
    return this.worker.terminate();
  }

  /** Ask the worker to crash or hang; it obeys only with TOCSIN_TEST_HOOKS=1 in its environment. */
  injectFault(fault: CoreFault): void {
    this.post({ type: 'test-fault', fault });
  }

  /** Snooze notifications for `hours` (alerts are still logged). */
  snoozeNotifications(hours: number): void {
    this.post({ type: 'snooze', hours });
  }

  /** Pause or resume notifications (alerts are still logged). */
  setNotificationsPaused(paused: boolean): void {
    this.post({ type: 'pause', paused });
  }

  /** Subscribe to URLs the core asks to open outside (a notification's Open runbook). */
  onOpenExternal(listener: (url: string) => void): () => void {
    return this.externalListeners.add(listener);
  }

  /** Subscribe to the notifications the shell shows for the core (CoreInit.shellNotifications). */
  onNotify(listener: (id: string, request: NotificationRequest) => void): () => void {
    return this.notifyListeners.add(listener);
  }

  /** Report what became of a notification the shell shows. */
  answerNotification(id: string, event: ShellNotificationEvent): void {
    this.post({ type: 'notification', id, event });
  }

  /** Tell the core whether anyone can see the window (the notification policy depends on it). */
  setWindowState(state: WindowState): void {
    this.post({ type: 'window', state });
  }

  /** Flush the store, close the feeds and the embedded gateway, then end the worker. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.cause ??= 'the core was closed';
    const closed = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  private post(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'result':
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
        return;
      case 'update':
        this.updateListeners.emit(message.update);
        return;
      case 'tray':
        this.trayListeners.emit(message.model);
        return;
      case 'open-alert':
        this.openListeners.emit(message.feedId, message.alertId);
        return;
      case 'show-console':
        this.showListeners.emit();
        return;
      case 'heartbeat':
        this.heartbeatListeners.emit();
        return;
      case 'open-external':
        this.externalListeners.emit(message.url);
        return;
      case 'notify':
        this.notifyListeners.emit(message.id, message.request);
        return;
      default:
        return;
    }
  }

  /** An uncaught exception in the worker: 'exit' follows with the code. */
  private onError(reason: string): void {
    this.cause ??= reason;
    this.failPending(reason);
  }

  private onExit(exitCode: number): void {
    if (this.exited) return;
    this.exited = true;
    const down = { reason: this.cause ?? 'the core worker exited', exitCode };
    this.down = down;
    this.failPending(down.reason);
    this.downListeners.emit(down);
    this.downListeners.clear();
  }

  private failPending(reason: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, code: 'unavailable', message: reason });
    this.pending.clear();
  }
}
