/**
 * The Icinga 2 source: subscribes to the API's event stream, reconnects with backoff, and on
 * every (re)connect reconciles from `/v1/objects/hosts` and `/v1/objects/services` so nothing
 * that changed while disconnected is missed. Acknowledging in Tocsin acknowledges in Icinga
 * (author: the Tocsin person) before it is journaled; an acknowledgement made in Icinga shows
 * in Tocsin.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { AlertState } from '../../../common/protocol/alert.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { Action } from '../../../common/protocol/frames.js';
import { compileMapping, type Mapper } from '../alertmanager/mapping.js';
import { AwaitedEchoes } from '../awaited-echoes.js';
import type { EventSink, EventSource, SinkEntry, SourceActionHandler } from '../sink.js';
import type { IcingaApi, EventStream } from './api.js';
import type { IcingaConfig } from './config.js';
import { parseEvent, parseObjects } from './events.js';
import { ackEntries, checkEntries, ICINGA_SOURCE, icingaAlertId, parseIcingaAlertId, viewAfter } from './state.js';

export const EVENT_TYPES = [
  'CheckResult',
  'StateChange',
  'AcknowledgementSet',
  'AcknowledgementCleared',
  'DowntimeStarted',
  'DowntimeRemoved',
];
/** How long Icinga's echo of an acknowledgement made in Tocsin is expected (and not journaled twice). */
const OWN_ACTION_MS = 30_000;

/** Counters, for tests, logs and the report. */
export type IcingaStats = {
  connects: number;
  reconciles: number;
  /** Changes a periodic reconcile found that the open stream had not delivered. */
  missedByStream: number;
  events: number;
  badEvents: number;
  published: number;
  lastError?: string;
};

export class IcingaSource implements EventSource, SourceActionHandler {
  readonly name = ICINGA_SOURCE;
  readonly source = ICINGA_SOURCE;
  readonly stats: IcingaStats = {
    connects: 0,
    reconciles: 0,
    missedByStream: 0,
    events: 0,
    badEvents: 0,
    published: 0,
  };
  private readonly mapper: Mapper;
  private sink: EventSink | null = null;
  private stream: EventStream | null = null;
  private timer: TimerHandle | null = null;
  private reconcileTimer: TimerHandle | null = null;
  private delay: number;
  private stopped = false;
  /** Alert ids with an acknowledgement change made from Tocsin, and until when Icinga's echo is expected. */
  private readonly own = new AwaitedEchoes(OWN_ACTION_MS);
  /** Writes in order: a resolve must never overtake the fire it follows. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: IcingaConfig,
    private readonly api: IcingaApi,
    private readonly deps: { clock: Clock; log: (message: string) => void; heartbeat?: (check: string) => void },
  ) {
    this.mapper = compileMapping(config.mapping);
    this.delay = config.reconnectMinMs;
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    // Not awaited: an Icinga that is down must not keep the gateway from starting.
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.stopReconciling();
    this.stream?.close();
    await this.queue;
  }

  /** Whether the event stream is open now. */
  connected(): boolean {
    return this.stream !== null;
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      // Subscribe first, then reconcile: a change between the two is seen twice, never missed.
      const stream = await this.api.openEvents(
        this.config.queue,
        EVENT_TYPES,
        (event) => this.onEvent(event),
        (why) => this.bad(why),
      );
      if (this.stopped) return stream.close();
      this.stream = stream;
      this.stats.connects += 1;
      await this.reconcile();
      this.delay = this.config.reconnectMinMs;
      this.reconcileLater(stream);
      const why = await stream.closed;
      this.stopReconciling();
      this.stream = null;
      this.retry(`event stream closed: ${why}`);
    } catch (error) {
      this.stopReconciling();
      this.stream?.close();
      this.stream = null;
      this.retry(errorMessage(error));
    }
  }

  /**
   * A stream can stay open and deliver nothing (seen with Icinga 2.13): the periodic reconcile
   * journals what it missed, says so, and closes it, so the reconnect subscribes anew.
   */
  private reconcileLater(stream: EventStream): void {
    if (this.config.reconcileEveryMs === 0 || this.stopped) return;
    this.reconcileTimer = this.deps.clock.setTimeout(() => {
      void this.reconcile().then(
        (found) => {
          if (this.stream !== stream) return;
          if (found === 0) return this.reconcileLater(stream);
          this.stats.missedByStream += found;
          this.deps.log(
            `icinga: the event stream had not delivered ${found} change(s) the reconcile found; reopening it`,
          );
          stream.close();
        },
        (error: unknown) => {
          // The stream decides about reconnecting; a failed reconcile is tried again next time.
          this.stats.lastError = errorMessage(error);
          if (this.stream === stream) this.reconcileLater(stream);
        },
      );
    }, this.config.reconcileEveryMs);
  }

  private stopReconciling(): void {
    if (this.reconcileTimer) this.deps.clock.clearTimeout(this.reconcileTimer);
    this.reconcileTimer = null;
  }

  private retry(why: string): void {
    if (this.stopped) return;
    this.stats.lastError = why;
    this.deps.log(`icinga: ${why}; reconnecting in ${this.delay} ms`);
    this.timer = this.deps.clock.setTimeout(() => void this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, this.config.reconnectMaxMs);
  }

  private bad(why: string): void {
    this.stats.badEvents += 1;
    this.deps.log(`icinga: ${why}`);
  }

  /** Bring the journal in line with every host and service Icinga has; how many entries that took. */
  async reconcile(): Promise<number> {
    const attrs = [
      'name',
      'display_name',
      'state',
      'state_type',
      'last_check_result',
      'last_state_change',
      'acknowledgement',
    ];
    // An alert the stream changed after this moment is newer than the objects read below: the
    // stream's word stands, or a change racing the read would be undone and redone.
    const asked = this.deps.clock.now();
    const query = (type: string, extra: string[] = []) =>
      this.api.call('GET', `/v1/objects/${type}?${[...attrs, ...extra].map((a) => `attrs=${a}`).join('&')}`);
    const [hosts, services] = await Promise.all([query('hosts'), query('services', ['host_name'])]);
    const objects = [...parseObjects(hosts, 'host'), ...parseObjects(services, 'service')];
    let found = 0;
    await this.write((state, now) => {
      const entries = objects.flatMap(({ check, acknowledged }) => {
        const alertId = icingaAlertId(check.host, check.service);
        const current = state(alertId);
        if (current !== undefined && current.updatedAt > asked) return [];
        const entries = checkEntries(check, current, this.options(now));
        // Acknowledgements are compared with the alert as it will be once `entries` are journaled.
        const view = viewAfter(current, entries);
        return [
          ...entries,
          ...(this.ownPending(alertId, now) ? [] : ackEntries(alertId, acknowledged, view, now, { by: 'Icinga' })),
        ];
      });
      found = entries.length;
      return entries;
    });
    this.stats.reconciles += 1;
    return found;
  }

  private options(now: number) {
    return { mapper: this.mapper, now, hardStatesOnly: this.config.hardStatesOnly };
  }

  private ownPending(alertId: string, now: number): boolean {
    return this.own.awaited(alertId, now) !== undefined;
  }

  private onEvent(json: unknown): void {
    const event = parseEvent(json);
    if (!event.ok) return this.bad(`an event was dropped: ${event.message}`);
    this.stats.events += 1;
    const e = event.value;
    if (e.kind === 'check') {
      const name = e.check.service === undefined ? e.check.host : `${e.check.host}!${e.check.service}`;
      if (!this.config.heartbeat?.check || this.config.heartbeat.check === name) this.deps.heartbeat?.(name);
      return void this.write((state, now) =>
        checkEntries(e.check, state(icingaAlertId(e.check.host, e.check.service)), this.options(now)),
      );
    }
    const alertId = icingaAlertId(e.host, e.service);
    void this.write((state, now) => {
      const current = state(alertId);
      if (e.kind === 'ack')
        return this.ownPending(alertId, now) ? [] : ackEntries(alertId, e.acknowledged, viewAfter(current, []), now, e);
      if (current?.status !== 'firing') return [];
      const base = { alertId, source: ICINGA_SOURCE, at: now, by: e.by || 'Icinga' };
      return e.kind === 'downtime-start'
        ? [{ event: { kind: 'snoozed', ...base, until: Math.max(now, e.until) } }]
        : [{ event: { kind: 'commented', ...base, comment: 'Downtime ended in Icinga' } }];
    });
  }

  /** Compute entries against the journal's state at the moment of writing, one write at a time. */
  private write(compute: (state: (id: string) => AlertState | undefined, now: number) => SinkEntry[]): Promise<void> {
    this.queue = this.queue.then(async () => {
      const sink = this.sink;
      if (!sink) return;
      const entries = compute((id) => sink.alertState(id), this.deps.clock.now());
      if (entries.length === 0) return;
      try {
        const seqs = await sink.publish(entries);
        this.stats.published += seqs.filter((seq) => seq !== null).length;
      } catch (error) {
        // Not lost: the reconcile of the next connect finds the state again.
        this.stats.lastError = errorMessage(error);
        this.deps.log(`icinga: journal write failed, reconnecting to reconcile: ${this.stats.lastError}`);
        this.stream?.close();
      }
    });
    return this.queue;
  }

  /** A console acted on an Icinga alert: acknowledgements go to Icinga first. */
  async onAction(alert: AlertState, action: Action, by: string): Promise<void> {
    if (action.action !== 'acknowledge' && action.action !== 'unacknowledge') return;
    const object = parseIcingaAlertId(alert.alertId);
    if (!object) throw new Error(`${alert.alertId} is not an Icinga object`);
    const target =
      object.service === undefined
        ? { type: 'Host', filter: 'host.name==hn', filter_vars: { hn: object.host } }
        : {
            type: 'Service',
            filter: 'host.name==hn && service.name==sn',
            filter_vars: { hn: object.host, sn: object.service },
          };
    const request =
      action.action === 'acknowledge'
        ? { path: '/v1/actions/acknowledge-problem', author: by, comment: action.comment || this.config.ackComment }
        : { path: '/v1/actions/remove-acknowledgement', author: by };
    // A refusal counts as a failed send: Icinga will report nothing of it.
    await this.own.sending(alert.alertId, true, this.deps.clock.now(), async () => {
      const { path, ...body } = request;
      const answer = await this.api.call('POST', path, { ...target, ...body });
      const results = (answer as { results?: Array<{ code?: number; status?: string }> }).results ?? [];
      if (results.length === 0)
        throw new Error(`Icinga has no object ${object.host}${object.service ? `!${object.service}` : ''}`);
      const failed = results.find((result) => result.code !== 200);
      if (failed) throw new Error(`Icinga refused: ${failed.status ?? failed.code}`);
    });
  }
}
