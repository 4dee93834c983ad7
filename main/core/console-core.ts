/**
 * The console core: every decision, no Electron. Composes the history store, per feed a link
 * (FeedClient) and the ingest that owns what it receives (FeedIngest), one fan-out of committed
 * changes and snapshots to their observers (write notes, the batched UI updates, and whoever
 * the shell adds: notifications, tray), and implements the renderer's api operations.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_WINDOWS, type ApiHandlers, type FeedStatus, type UiUpdate } from '../../common/api/contract.js';
import { ApiError } from './api/dispatch.js';
import { systemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { FeedClient, type FeedProfile } from './feed/feed-client.js';
import { connectWebSocket, type SocketFactory } from './feed/feed-socket.js';
import { presenceOf } from './feed/presence.js';
import { HIDDEN_WINDOW, type WindowState } from '../../common/window-state.js';
import type { NotificationHealth } from '../../common/notify/health.js';
import type { CommittedObserver } from './pipeline/observer.js';
import { ObserverFanOut } from './pipeline/fan-out.js';
import { FeedIngest } from './pipeline/ingest.js';
import { UpdateBatcher } from './pipeline/update-batcher.js';
import type { Action } from '../../common/protocol/frames.js';
import { SettingsService } from './settings/settings-service.js';
import { DEFAULT_SETTINGS } from './settings/settings.js';
import { AlertStore } from './store/alert-store.js';
import {
  METRIC_RETENTION_MS,
  MetricRecorder,
  metricRange,
  metricSeries,
  pruneMetrics,
} from './store/metric-history.js';
import { enforceRetention } from './store/retention.js';
import { WalCheckpoints } from '../../common/node/sqlite/wal-checkpoints.js';
import { escalationHandlers, gatewaysOf } from './escalation/escalation-handlers.js';
import { EscalationWatch } from './escalation/escalation-watch.js';
import type { GatewayEscalation } from './escalation/gateway-escalation.js';

/** How to open a console core. */
export type ConsoleCoreOptions = {
  dataDir: string;
  feeds: FeedProfile[];
  userName: string;
  clock?: Clock;
  connect?: SocketFactory;
  random?: () => number;
  /** Who reacts to committed changes (more can be added with `observe` before `start`); a factory when they need the core itself. */
  observers?: CommittedObserver[] | ((core: ConsoleCore) => CommittedObserver[]);
  log?: (message: string) => void;
  /** The console's settings (file, validation, live application); defaults when not given. */
  settings?: SettingsService;
  /** Move a damaged history aside and start fresh (only on the user's explicit request). */
  resetHistory?: boolean;
  /** better-sqlite3's native module when not node_modules' own (Electron from source: docs/native-modules.md). */
  sqliteNativeBinding?: string;
  /** How often each live feed's gateway is asked whether escalation reaches anyone (default a minute). */
  escalationPollMs?: number;
};

/** The history file inside a data directory. */
export const historyPath = (dataDir: string) => join(dataDir, 'history.sqlite');

/** One console: its history, its feeds, and the api the shells serve. */
export class ConsoleCore {
  readonly handlers: ApiHandlers;
  private readonly settings: SettingsService;
  private readonly clients = new Map<string, FeedClient>();
  private readonly batcher: UpdateBatcher;
  private readonly observers: ObserverFanOut;
  private started = false;
  private readonly metrics: MetricRecorder;
  private readonly checkpoints: WalCheckpoints;
  private windowState: WindowState = HIDDEN_WINDOW;
  private retentionTimer: TimerHandle | null = null;
  private readonly windowListeners = new Set<(state: WindowState) => void>();
  private notificationHealth: NotificationHealth | null = null;
  private readonly gateways: Map<string, GatewayEscalation>;
  private readonly escalation: EscalationWatch;

  private constructor(
    readonly store: AlertStore,
    private readonly options: ConsoleCoreOptions,
  ) {
    const clock = options.clock ?? systemClock;
    const log = options.log ?? (() => {});
    this.batcher = new UpdateBatcher(clock);
    this.metrics = new MetricRecorder(store.db, clock, 2_000, log);
    this.checkpoints = new WalCheckpoints(store.db, clock);
    this.settings =
      options.settings ??
      new SettingsService(
        join(options.dataDir, 'settings.json'),
        { settings: DEFAULT_SETTINGS, problems: [] },
        () => {},
      );
    // Whatever was written is checkpointed and full-text indexed soon; then the UI hears of it.
    const writes: CommittedObserver = {
      onCommitted: (changes) => {
        this.checkpoints.noteWrite(changes.length);
        store.fullText.noteWrite();
      },
      onSnapshot: (_feedId, rows) => {
        this.checkpoints.noteWrite(rows.length);
        store.fullText.noteWrite();
      },
      onFeedStatus: () => {},
    };
    this.observers = new ObserverFanOut([writes, this.batcher], log);
    this.gateways = gatewaysOf(options.feeds);
    this.escalation = new EscalationWatch(this.gateways, {
      clock,
      isLive: (feedId) => this.clients.get(feedId)?.currentStatus().state === 'live',
      onChange: (feedId) => {
        const client = this.clients.get(feedId);
        if (client) this.observers.onFeedStatus(this.withEscalation(client.currentStatus()));
      },
      ...(options.escalationPollMs ? { intervalMs: options.escalationPollMs } : {}),
    });
    for (const observer of typeof options.observers === 'function'
      ? options.observers(this)
      : (options.observers ?? []))
      this.observers.add(observer);
    for (const profile of options.feeds) {
      const random = options.random ?? Math.random;
      const client = new FeedClient(profile, {
        clock,
        log,
        random,
        connect: options.connect ?? connectWebSocket,
        sink: (link) => new FeedIngest({ feed: profile, store, clock, random, log, observer: this.observers }, link),
        onMetrics: (samples) => {
          this.batcher.addMetrics(samples);
          this.metrics.record(samples);
        },
        onStatus: (status: FeedStatus) => this.observers.onFeedStatus(this.withEscalation(status)),
        presence: () => presenceOf(this.windowState),
      });
      this.clients.set(profile.id, client);
    }
    this.handlers = this.createHandlers();
  }

  /** Open the history (a damaged file raises a clear error) and connect every feed. */
  static async open(options: ConsoleCoreOptions): Promise<ConsoleCore> {
    const core = await ConsoleCore.create(options);
    core.start();
    return core;
  }

  /**
   * Open the history (a damaged file raises a clear error) without connecting: the caller adds
   * the observers that need the core (`observe`), then calls `start`.
   */
  static async create(options: ConsoleCoreOptions): Promise<ConsoleCore> {
    mkdirSync(options.dataDir, { recursive: true });
    const nativeBinding = options.sqliteNativeBinding;
    const store = AlertStore.open(historyPath(options.dataDir), {
      resetIfDamaged: options.resetHistory ?? false,
      ...(nativeBinding === undefined ? {} : { nativeBinding }),
    });
    const core = new ConsoleCore(store, options);
    core.applyRetention();
    core.checkpoints.start();
    store.fullText.start(options.clock ?? systemClock);
    await core.checkpoints.moveToThread(
      historyPath(options.dataDir),
      'history',
      options.log ?? (() => {}),
      nativeBinding,
    );
    return core;
  }

  /** Add an observer of committed changes, snapshots and feed statuses; before `start`, it misses nothing. */
  observe(observer: CommittedObserver): void {
    this.observers.add(observer);
  }

  /** Connect every feed (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const client of this.clients.values()) client.start();
    this.escalation.start();
  }

  /** Every feed's link status, in the order the feeds were configured. */
  feedStatuses(): FeedStatus[] {
    return [...this.clients.values()].map((c) => this.withEscalation(c.currentStatus()));
  }

  /** A feed's status with the line its gateway's escalation health adds, if any. */
  private withEscalation(status: FeedStatus): FeedStatus {
    const line = this.escalation.line(status.feedId);
    return line ? { ...status, escalationFailing: line } : status;
  }

  onUpdate(listener: (update: UiUpdate) => void): () => void {
    return this.batcher.onUpdate(listener);
  }

  /** The shell reports whether anyone can see the window (and every gateway hears of it: presence). */
  setWindowState(state: WindowState): void {
    this.windowState = state;
    for (const client of this.clients.values()) client.presenceChanged();
    for (const listener of this.windowListeners) listener(state);
  }

  /** What the shell last reported (the notification policy reads this). */
  currentWindowState(): WindowState {
    return this.windowState;
  }

  onWindowState(listener: (state: WindowState) => void): () => void {
    this.windowListeners.add(listener);
    return () => this.windowListeners.delete(listener);
  }

  /** The notification path's health changed: keep it for the api and push it to the UI. */
  reportNotificationHealth(health: NotificationHealth): void {
    this.notificationHealth = health;
    this.batcher.setNotifications(health);
  }

  /** Send an action on an alert to its feed's gateway; resolves with the seq of the resulting event. */
  async act(feedId: string, alertId: string, request: Action): Promise<{ seq?: number }> {
    const client = this.clients.get(feedId);
    if (!client) throw new ApiError('not_found', `no feed ${feedId}`);
    const result = await client.sendAction({
      type: 'action',
      id: randomUUID(),
      alertId,
      by: this.options.userName,
      request,
    });
    if (!result.ok) {
      const code =
        result.code === 'unknown_alert' ? 'not_found' : result.code === 'invalid' ? 'invalid_request' : 'unavailable';
      throw new ApiError(code, result.message ?? `the gateway refused the action (${result.code})`);
    }
    return result.seq === undefined ? {} : { seq: result.seq };
  }

  /** Apply the history's retention now, and again in an hour. */
  private applyRetention(): void {
    const clock = this.options.clock ?? systemClock;
    const { maxAgeDays, maxMegabytes } = this.settings.get().settings.history;
    const dropped = enforceRetention(
      this.store.db,
      { maxAgeMs: maxAgeDays * 86_400_000, maxBytes: maxMegabytes * 1024 * 1024 },
      clock.now(),
    );
    if (dropped.alerts > 0)
      this.options.log?.(`retention: dropped ${dropped.alerts} resolved alerts and ${dropped.events} events`);
    pruneMetrics(this.store.db, clock.now() - METRIC_RETENTION_MS);
    this.retentionTimer = clock.setTimeout(() => this.applyRetention(), 3600_000);
  }

  /** Stop the feeds, flush pending UI updates, close the history. */
  async close(): Promise<void> {
    if (this.retentionTimer) (this.options.clock ?? systemClock).clearTimeout(this.retentionTimer);
    for (const client of this.clients.values()) client.stop();
    this.escalation.stop();
    this.batcher.flush();
    this.metrics.flush();
    await this.checkpoints.stop();
    this.checkpoints.checkpoint();
    this.store.close();
  }

  private createHandlers(): ApiHandlers {
    const minutes = (m: number) => (this.options.clock ?? systemClock).now() + m * 60_000;
    return {
      activeAlerts: async (filter) => this.store.activeAlerts(filter),
      acknowledge: async ({ feedId, alertId, comment }) =>
        this.act(feedId, alertId, { action: 'acknowledge', ...(comment ? { comment } : {}) }),
      unacknowledge: async ({ feedId, alertId }) => this.act(feedId, alertId, { action: 'unacknowledge' }),
      snooze: async ({ feedId, alertId, minutes: m }) =>
        this.act(feedId, alertId, { action: 'snooze', until: minutes(m) }),
      comment: async ({ feedId, alertId, text }) => this.act(feedId, alertId, { action: 'comment', comment: text }),
      timeline: async ({ feedId, alertId }) => this.store.timeline(feedId, alertId),
      searchHistory: async ({ filter, limit, before }) => this.store.searchHistory(filter, limit, before),
      feedStatus: async () => this.feedStatuses(),
      notificationHealth: async () => this.notificationHealth,
      getSettings: async () => this.settings.get(),
      updateSettings: async ({ settings }) => this.settings.update(settings),
      minuteCounts: async ({ from, to }) => this.store.minuteCounts(from, to),
      metricSeries: async () => metricSeries(this.store.db),
      metricRange: async ({ series, window, to }) => {
        const end = to ?? (this.options.clock ?? systemClock).now();
        return metricRange(this.store.db, series, end - METRIC_WINDOWS[window], end);
      },
      ...escalationHandlers(this.options.feeds, this.gateways),
      exportHistory: async ({ filter, format, limit }) => ({
        filename: `tocsin-history-${new Date((this.options.clock ?? systemClock).now()).toISOString().replaceAll(':', '-').slice(0, 19)}.${format}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/json',
        content: this.store.exportHistory(filter, format, limit),
      }),
    };
  }
}
