/**
 * Keeps the console's core running. The shells hold a CoreSupervisor instead of a bare CoreHost:
 * when the worker exits, fails or stops beating, the supervisor says so at once (every feed shown
 * disconnected with the reason, the tray in its worst state, one OS notification) and starts a new
 * core on the same data directory with backoff. That core resumes each feed from its committed
 * cursor, so nothing published meanwhile is lost. Silence that looks like calm is the failure this
 * prevents: a dead core must never leave an empty, quiet board. Listeners, and the window, snooze
 * and pause state, outlive the restarts.
 */
import type {
  CoreOutage,
  FeedStatus,
  OperationName,
  RequestOf,
  ResponseOf,
  Result,
  UiUpdate,
} from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { TrayModel } from '../../../common/tray-model.js';
import { coreDownTrayModel } from '../tray/tray-model.js';
import type { SupervisedCore } from './core-host.js';
import type { CoreFault, ShellNotificationEvent } from './messages.js';
import type { NotificationRequest } from '../notify/request.js';
import type { WindowState } from '../../../common/window-state.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { LatestListeners, Listeners } from './listeners.js';

export type { SupervisedCore } from './core-host.js';

/**
 * The supervisor's timings, in ms. `hangAfterMs` of heartbeat silence is a hang (looked for every
 * `watchEveryMs`; the worker beats every 0.5 s). A restart waits `initialBackoffMs`, doubled per
 * consecutive failure up to `maxBackoffMs`; a core up for `resetAfterMs` resets it. `failingCount`
 * failures within `failingWindowMs` is "keeps failing". While down, the outage is pushed again
 * every `repeatOutageEveryMs`, for pages that connect meanwhile.
 */
export type SupervisorTiming = Record<
  | 'hangAfterMs'
  | 'watchEveryMs'
  | 'initialBackoffMs'
  | 'maxBackoffMs'
  | 'resetAfterMs'
  | 'failingCount'
  | 'failingWindowMs'
  | 'repeatOutageEveryMs',
  number
>;

/** 3 s of silence is a hang; restarts after 0.25 s, 0.5 s, 1 s … 30 s; 5 failures in 2 min is "keeps failing". */
export const DEFAULT_SUPERVISOR_TIMING: SupervisorTiming = {
  hangAfterMs: 3_000,
  watchEveryMs: 250,
  initialBackoffMs: 250,
  maxBackoffMs: 30_000,
  resetAfterMs: 60_000,
  failingCount: 5,
  failingWindowMs: 120_000,
  repeatOutageEveryMs: 1_000,
};

/** What a supervisor is built from: how to start a core (same init every time), time, a log and an alarm. */
export type SupervisorOptions = {
  start: () => Promise<SupervisedCore>;
  clock: Clock;
  /** One line per event (a core down, restarted, or not starting). */
  log: (line: string) => void;
  /** An OS notification: raised once when the core goes down, and once when it keeps failing. */
  raiseAlarm: (title: string, body: string) => void;
  timing?: Partial<SupervisorTiming>;
};

type TimerName = 'restart' | 'watch' | 'repeat';
type Outage = { reason: string; since: number; nextRetryAt: number | null; failing: boolean };

/** 250 → "0.25 s", 3210 → "3.21 s", 30000 → "30 s". */
const seconds = (ms: number) => `${Math.round(ms / 10) / 100} s`;

/** A core that is restarted when it dies or hangs; the same surface as CoreHost. */
export class CoreSupervisor {
  private current: SupervisedCore | null = null;
  private readonly updateListeners = new Listeners<[UiUpdate]>();
  private readonly openListeners = new Listeners<[feedId: string, alertId: string]>();
  private readonly showListeners = new Listeners<[]>();
  private readonly notifyListeners = new Listeners<[id: string, request: NotificationRequest]>();
  private readonly externalListeners = new Listeners<[url: string]>();
  /** Notifications the current core waits on; a restarted core knows none of its predecessor's. */
  private notifying = new Set<string>();
  private readonly trayListeners = new LatestListeners<TrayModel>();
  private readonly timing: SupervisorTiming;
  private readonly clock: Clock;
  private embeddedUrl: string | null = null;
  /** The feeds' last known statuses, so an outage can mark every one of them. */
  private readonly feeds = new Map<string, FeedStatus>();
  private windowState: WindowState | null = null;
  private snoozedUntil: number | null = null;
  private paused: boolean | null = null;
  private failures: number[] = [];
  private consecutive = 0;
  private upSince = 0;
  private lastBeatAt = 0;
  private outage: Outage | null = null;
  private alarmedFailing = false;
  private closed = false;
  private starting: Promise<void> | null = null;
  private readonly timers: Record<TimerName, TimerHandle | null> = { restart: null, watch: null, repeat: null };

  private constructor(
    private readonly options: SupervisorOptions,
    first: SupervisedCore,
  ) {
    this.timing = { ...DEFAULT_SUPERVISOR_TIMING, ...options.timing };
    this.clock = options.clock;
    this.attach(first, false);
  }

  /** Start the first core; if that fails the error is thrown (a shell cannot start without one). */
  static async start(options: SupervisorOptions): Promise<CoreSupervisor> {
    return new CoreSupervisor(options, await options.start());
  }

  /** The embedded demo gateway's URL (it changes when the core restarts), or null. */
  get embeddedGatewayUrl(): string | null {
    return this.embeddedUrl;
  }

  /** Whether a core is running now (false while restarting and after close). */
  get running(): boolean {
    return this.current !== null;
  }

  /** Run one API operation in the current core; while none runs, answers `unavailable`. */
  invoke<N extends OperationName>(op: N, request: RequestOf<N> | unknown): Promise<Result<ResponseOf<N>>> {
    if (!this.current) {
      const message = this.outage ? `the core is restarting: ${this.outage.reason}` : 'the core is not running';
      return Promise.resolve({ ok: false, code: 'unavailable', message });
    }
    return this.current.invoke(op, request) as Promise<Result<ResponseOf<N>>>;
  }

  /** Subscribe to UI updates from whichever core runs, and to the outage updates in between. */
  onUpdate(listener: (update: UiUpdate) => void): () => void {
    return this.updateListeners.add(listener);
  }

  /** Subscribe to "open this alert" requests. */
  onOpenAlert(listener: (feedId: string, alertId: string) => void): () => void {
    return this.openListeners.add(listener);
  }

  /** Subscribe to "show the console" requests (Open on a digest or a feed notification). */
  onShowConsole(listener: () => void): () => void {
    return this.showListeners.add(listener);
  }

  /** Subscribe to URLs the current core asks to open outside (a notification's Open runbook). */
  onOpenExternal(listener: (url: string) => void): () => void {
    return this.externalListeners.add(listener);
  }

  /** Subscribe to the notifications the shell shows for the current core (CoreInit.shellNotifications). */
  onNotify(listener: (id: string, request: NotificationRequest) => void): () => void {
    return this.notifyListeners.add(listener);
  }

  /**
   * Report what became of one to the core that asked for it. False when no running core waits
   * for it (it was shown by a core that has since been restarted): the shell then acts on the
   * answer itself (an Acknowledge must not be lost to a restart).
   */
  answerNotification(id: string, event: ShellNotificationEvent): boolean {
    if (!this.current?.answerNotification || !this.notifying.has(id)) return false;
    if (event.kind !== 'on-screen') this.notifying.delete(id);
    this.current.answerNotification(id, event);
    return true;
  }

  /** Subscribe to the tray model (the latest at once if there is one). */
  onTrayModel(listener: (model: TrayModel) => void): () => void {
    return this.trayListeners.add(listener);
  }

  /** Snooze notifications for `hours`; what is left of it is sent again to a restarted core. */
  snoozeNotifications(hours: number): void {
    if (Number.isFinite(hours) && hours >= 0)
      this.snoozedUntil = hours === 0 ? null : this.clock.now() + hours * 3600_000;
    this.current?.snoozeNotifications(hours);
  }

  /** Pause or resume notifications; sent again to a restarted core. */
  setNotificationsPaused(paused: boolean): void {
    this.paused = paused;
    this.current?.setNotificationsPaused(paused);
  }

  /** Report the window's state; sent again to a restarted core. */
  setWindowState(state: WindowState): void {
    this.windowState = state;
    this.current?.setWindowState(state);
  }

  /** Test hooks: make the running core crash or hang (the worker obeys only with TOCSIN_TEST_HOOKS=1). */
  injectFault(fault: CoreFault): void {
    this.current?.injectFault(fault);
  }

  /** Stop supervising and close the running core (flushing its store). */
  async close(): Promise<void> {
    this.closed = true;
    for (const name of ['restart', 'watch', 'repeat'] as const) this.stopTimer(name);
    const core = this.current;
    this.current = null;
    await core?.close();
    await this.starting;
  }

  private attach(core: SupervisedCore, recovered: boolean): void {
    const mine = () => this.current === core;
    this.current = core;
    this.embeddedUrl = core.embeddedGatewayUrl;
    this.upSince = this.lastBeatAt = this.clock.now();
    core.onUpdate((update) => mine() && this.forward(update));
    core.onOpenAlert((feedId, alertId) => mine() && this.openListeners.emit(feedId, alertId));
    core.onShowConsole(() => mine() && this.showListeners.emit());
    core.onOpenExternal?.((url) => mine() && this.externalListeners.emit(url));
    this.notifying = new Set();
    core.onNotify?.((id, request) => {
      if (!mine()) return;
      this.notifying.add(id);
      this.notifyListeners.emit(id, request);
    });
    core.onTrayModel((model) => mine() && this.emitTray(model));
    core.onHeartbeat(() => mine() && (this.lastBeatAt = this.clock.now()));
    core.onDown((down) => mine() && this.down(down.reason, Promise.resolve(down.exitCode)));
    if (recovered) {
      if (this.windowState) core.setWindowState(this.windowState);
      const left = this.snoozedUntil === null ? 0 : this.snoozedUntil - this.clock.now();
      if (left > 0) core.snoozeNotifications(left / 3600_000);
      if (this.paused !== null) core.setNotificationsPaused(this.paused);
    }
    this.watch(core, this.clock.now() + this.timing.watchEveryMs);
    void this.seed(core, recovered);
  }

  /** Learn the feeds; after a restart, replace the outage on every page with the new core's state. */
  private async seed(core: SupervisedCore, recovered: boolean): Promise<void> {
    const [feeds, alerts] = await Promise.all([
      core.invoke('feedStatus', {}),
      recovered ? core.invoke('activeAlerts', {}) : null,
    ]);
    if (this.current !== core) return;
    const statuses = feeds.ok ? (feeds.value as FeedStatus[]) : [];
    for (const feed of statuses) this.feeds.set(feed.feedId, feed);
    if (recovered)
      this.forward({ alerts: alerts?.ok ? (alerts.value as UiUpdate['alerts']) : [], metrics: [], feeds: statuses });
  }

  private forward(update: UiUpdate): void {
    for (const feed of update.feeds) this.feeds.set(feed.feedId, feed);
    this.updateListeners.emit(update);
  }

  private emitTray(model: TrayModel): void {
    this.trayListeners.emit(model);
  }

  /**
   * The watchdog. A check that runs much later than planned means this thread was blocked, and the
   * worker's heartbeats may be queued behind it: that silence is not the worker's, so it is forgiven.
   */
  private watch(core: SupervisedCore, dueAt: number): void {
    this.timers.watch = this.clock.setTimeout(() => {
      this.timers.watch = null;
      if (this.current !== core) return;
      const now = this.clock.now();
      if (now - dueAt > this.timing.watchEveryMs) this.lastBeatAt = now;
      const silent = now - this.lastBeatAt;
      if (silent > this.timing.hangAfterMs) {
        const reason = `the core stopped answering (no heartbeat for ${seconds(silent)})`;
        this.current = null; // before terminate: its own exit report must not count as a second failure
        this.down(
          reason,
          core.terminate(reason).catch(() => null),
        );
        return;
      }
      this.watch(core, now + this.timing.watchEveryMs);
    }, this.timing.watchEveryMs);
  }

  /** The core is gone: say so everywhere at once, then restart it once the old worker has exited. */
  private down(reason: string, exitCode: Promise<number | null>): void {
    if (this.closed) return;
    const now = this.clock.now();
    this.current = null;
    this.stopTimer('watch');
    if (now - this.upSince >= this.timing.resetAfterMs) this.consecutive = 0;
    const delay = this.recordFailure(now);
    this.outage = { reason, since: now, nextRetryAt: now + delay, failing: this.isFailing() };
    this.pushOutage();
    this.alarm(true, delay);
    this.repeatOutage();
    void exitCode.then((code) => {
      this.options.log(`tocsin: core down: ${reason} (exit code ${code ?? 'unknown'}); ${this.retryWords(delay)}`);
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.closed || !this.outage || this.outage.nextRetryAt === null) return;
    const wait = Math.max(0, this.outage.nextRetryAt - this.clock.now());
    this.stopTimer('restart');
    this.timers.restart = this.clock.setTimeout(() => {
      this.timers.restart = null;
      this.starting = this.restart().finally(() => (this.starting = null));
    }, wait);
  }

  private async restart(): Promise<void> {
    const outage = this.outage!;
    outage.nextRetryAt = null;
    let core: SupervisedCore;
    try {
      core = await this.options.start();
    } catch (error) {
      if (!this.closed) this.startFailed(errorMessage(error));
      return;
    }
    if (this.closed) return void (await core.close());
    this.outage = null;
    this.stopTimer('repeat');
    this.options.log(
      `tocsin: core restarted ${seconds(this.clock.now() - outage.since)} after it went down (${outage.reason})`,
    );
    this.attach(core, true);
  }

  private startFailed(message: string): void {
    const now = this.clock.now();
    const delay = this.recordFailure(now);
    const outage = this.outage!;
    Object.assign(outage, {
      reason: `the core could not start: ${message}`,
      nextRetryAt: now + delay,
      failing: this.isFailing(),
    });
    this.options.log(`tocsin: ${outage.reason}; ${this.retryWords(delay)}`);
    this.pushOutage();
    this.alarm(false, delay);
    this.scheduleRestart();
  }

  /** Count a failure; returns the delay before the next start. */
  private recordFailure(now: number): number {
    this.failures = [...this.failures.filter((at) => now - at < this.timing.failingWindowMs), now];
    const delay = Math.min(this.timing.maxBackoffMs, this.timing.initialBackoffMs * 2 ** this.consecutive);
    this.consecutive++;
    return delay;
  }

  private isFailing(): boolean {
    return this.failures.length >= this.timing.failingCount;
  }

  private retryWords(delay: number): string {
    const failing = this.isFailing()
      ? `; it keeps failing (${this.failures.length} failures in ${seconds(this.timing.failingWindowMs)})`
      : '';
    return `restarting in ${seconds(delay)}${failing}`;
  }

  /** One notification per outage, and one more when the core keeps failing. */
  private alarm(outageBegins: boolean, delay: number): void {
    const outage = this.outage!;
    const retry = `in ${seconds(delay)}`;
    try {
      if (outage.failing && !this.alarmedFailing) {
        this.alarmedFailing = true;
        this.options.raiseAlarm(
          'Tocsin core keeps failing',
          `${this.failures.length} failures in ${seconds(this.timing.failingWindowMs)}; last: ${outage.reason}. Alerts are not being received; retrying ${retry}.`,
        );
      } else if (outageBegins && !outage.failing) {
        this.alarmedFailing = false;
        this.options.raiseAlarm(
          'Tocsin core restarting',
          `${outage.reason}. Alerts are not being received until it is back; restarting ${retry}.`,
        );
      }
    } catch (error) {
      this.options.log(`tocsin: could not raise the core alarm: ${errorMessage(error)}`);
    }
  }

  /** Every known feed disconnected with the reason, and the tray in its worst state. */
  private pushOutage(): void {
    const outage = this.outage!;
    const core: CoreOutage = {
      state: outage.failing ? 'failing' : 'restarting',
      reason: outage.reason,
      failures: this.failures.length,
      nextRetryAt: outage.nextRetryAt,
    };
    const feeds = [...this.feeds.values()].map((feed): FeedStatus => ({
      ...feed,
      state: 'disconnected',
      since: outage.since,
      nextRetryAt: outage.nextRetryAt,
      lastError: `core restarting: ${outage.reason}`,
      core,
    }));
    this.updateListeners.emit({ alerts: [], metrics: [], feeds });
    const retry =
      outage.nextRetryAt === null
        ? 'starting now'
        : `retrying in ${Math.ceil((outage.nextRetryAt - this.clock.now()) / 1000)} s`;
    const status = outage.failing
      ? `Core keeps failing: ${outage.reason}; ${retry}`
      : `Core restarting: ${outage.reason}`;
    const snoozedUntil = this.snoozedUntil !== null && this.snoozedUntil > this.clock.now() ? this.snoozedUntil : null;
    this.emitTray(
      coreDownTrayModel(this.trayListeners.latest, status, {
        snoozedUntil,
        paused: this.paused ?? this.trayListeners.latest?.notificationsPaused ?? false,
      }),
    );
  }

  private repeatOutage(): void {
    this.stopTimer('repeat');
    this.timers.repeat = this.clock.setTimeout(() => {
      this.timers.repeat = null;
      if (!this.outage || this.closed) return;
      this.pushOutage();
      this.repeatOutage();
    }, this.timing.repeatOutageEveryMs);
  }

  private stopTimer(name: TimerName): void {
    const timer = this.timers[name];
    if (timer) this.clock.clearTimeout(timer);
    this.timers[name] = null;
  }
}
