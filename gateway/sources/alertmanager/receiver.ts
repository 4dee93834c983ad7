/**
 * POST /v1/alertmanager: Alertmanager's webhook receiver (payload version 4).
 *
 * - 401 without the configured bearer token (Alertmanager's http_config.authorization);
 * - 400 with the reason for a body that is not a version 4 payload (Alertmanager drops 4xx,
 *   which is right: resending garbage cannot help);
 * - 200 only after every alert's event is durable in the journal; a repeat delivery of the
 *   same (fingerprint, startsAt, status) journals nothing ("still firing", not a new alert);
 * - 503 on any failure after the body was understood, so Alertmanager retries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { ok, type Result } from '../../../common/result.js';
import { httpError, httpStatusOf, sendHttpError } from '../../server/http-errors.js';
import { readJsonBody, type BodyRefusal } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import type { EventSink, EventSource, SinkEntry, SourceActionHandler } from '../sink.js';
import type { AlertmanagerConfig } from './config.js';
import { compileMapping, type Mapper } from './mapping.js';
import { ALERTMANAGER_SOURCE, entriesFor, WebhookMessageSchema } from './payload.js';
import {
  AlertmanagerApi,
  AlertmanagerSilencer,
  SilenceReconciler,
  SilenceStore,
  type SilenceRecord,
} from './silences.js';
import { SharedSilenceStore, type SilenceRecords } from './shared-silences.js';
import type { ClusterRole } from '../../cluster/cluster-role.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import type { DeadMansSwitch } from '../heartbeat/dead-mans-switch.js';

export const ALERTMANAGER_PATH = '/v1/alertmanager';

/** What the receiver has seen, for tests, logs and benchmarks. */
export type ReceiverStats = {
  /** Answers by HTTP status. */
  answers: Record<number, number>;
  alerts: number;
  published: number;
  duplicates: number;
  lastError?: string;
  /** When the last delivery arrived and was answered (ms since epoch), and its status. */
  last?: { receivedAt: number; answeredAt: number; status: number };
};

/** What a delivery stored: events published, repeats recognised, and each alert's seq (null: a repeat). */
export type WebhookAccepted = { published: number; duplicates: number; seqs: Array<number | null> };
/** Why a delivery was refused: each is a code of the gateway's HTTP errors table. */
export type WebhookRefusal = 'bad_token' | BodyRefusal | 'invalid_webhook' | 'journal_unavailable';
type Options = {
  tokens: readonly string[];
  maxBodyBytes: number;
  mapper: Mapper;
  now: () => number;
  log: (message: string) => void;
  stats: ReceiverStats;
  /** Alerts with this alertname are the heartbeat: each firing one beats, none is journaled. */
  heartbeat?: { alertname: string; beat: () => void };
};

/** Handle one webhook delivery. */
export async function handleWebhook(
  request: IncomingMessage,
  sink: EventSink,
  options: Options,
): Promise<Result<WebhookAccepted, WebhookRefusal>> {
  const token = bearerToken(request);
  if (token === null || !tokenMatches(token, options.tokens)) {
    options.log(
      `alertmanager webhook from ${request.socket.remoteAddress}: missing or wrong bearer token (check the receiver's http_config.authorization)`,
    );
    return httpError('bad_token');
  }
  const body = await readJsonBody(request, options.maxBodyBytes);
  if (!body.ok)
    return body.code === 'body_too_large'
      ? { ...body, message: `${body.message} (lower the receiver's max_alerts)` }
      : body;
  const parsed = WebhookMessageSchema.safeParse(body.value);
  if (!parsed.success) return httpError('invalid_webhook', describeZodIssue(parsed.error, '(body)'));
  try {
    const now = options.now();
    const heartbeat = options.heartbeat;
    const alerts = heartbeat
      ? parsed.data.alerts.filter((alert) => {
          if (alert.labels.alertname !== heartbeat.alertname) return true;
          if (alert.status === 'firing') heartbeat.beat();
          return false;
        })
      : parsed.data.alerts;
    const entries: SinkEntry[] = alerts.flatMap((alert) =>
      entriesFor(alert, options.mapper, now, (id) => sink.alertState(id) !== undefined),
    );
    options.stats.alerts += parsed.data.alerts.length;
    const seqs = entries.length > 0 ? await sink.publish(entries) : [];
    const published = seqs.filter((seq) => seq !== null).length;
    options.stats.published += published;
    options.stats.duplicates += seqs.length - published;
    return ok({ published, duplicates: seqs.length - published, seqs });
  } catch (error) {
    const message = errorMessage(error);
    options.stats.lastError = message;
    options.log(`alertmanager webhook: answering 503 so Alertmanager retries: ${message}`);
    return httpError('journal_unavailable', message);
  }
}

/** The parts of a running gateway the Alertmanager source plugs into. */
export type GatewayHooks = {
  sink: EventSink;
  addRoute(
    method: string,
    path: string,
    handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  ): void;
  addActionHandler(handler: SourceActionHandler): void;
  addSource(source: EventSource): Promise<void>;
};

export type AlertmanagerDeps = {
  /** The gateway's tokens, used when the section names none of its own. */
  tokens: readonly string[];
  journalPath: string;
  /** better-sqlite3's native module for the silence store, when not Node's (Electron). */
  sqliteNativeBinding?: string;
  now: () => number;
  log: (message: string) => void;
  /** The dead-man's switch, on which `heartbeat` is declared as `alertmanager`. */
  heartbeats?: DeadMansSwitch;
  /** In a cluster: its leadership and the silences every gateway shares. */
  cluster?: ClusterRole;
};

/** The installed source: its statistics, and its silence store closed with the gateway. */
export class AlertmanagerReceiver implements EventSource {
  readonly name = ALERTMANAGER_SOURCE;
  readonly stats: ReceiverStats = { answers: {}, alerts: 0, published: 0, duplicates: 0 };
  readonly silencer: AlertmanagerSilencer | undefined;
  reconciler: SilenceReconciler | undefined;
  private readonly store: SilenceRecords | undefined;
  private readonly api: AlertmanagerApi | undefined;

  /** `shared`: the cluster's silences; without it they are kept in this gateway's own file. */
  constructor(
    private readonly config: AlertmanagerConfig,
    private readonly deps: AlertmanagerDeps,
    shared?: SilenceRecords,
  ) {
    if (config.url && config.silences.enabled) {
      const path =
        config.silences.statePath ??
        (deps.journalPath === ':memory:' ? ':memory:' : `${deps.journalPath}.silences.sqlite`);
      this.store = shared ?? new SilenceStore(path, deps.sqliteNativeBinding);
      const api = new AlertmanagerApi(config.url, {
        timeoutMs: config.requestTimeoutMs,
        ...(config.apiToken ? { apiToken: config.apiToken } : {}),
      });
      this.api = api;
      this.silencer = new AlertmanagerSilencer(api, this.store, {
        expiryMs: config.silences.expiryMs,
        comment: config.silences.comment,
        now: deps.now,
        log: deps.log,
      });
    }
  }

  async start(sink: EventSink): Promise<void> {
    if (this.api && this.store && this.config.silences.reconcileMs > 0) {
      this.reconciler = new SilenceReconciler(this.api, this.store, sink, {
        intervalMs: this.config.silences.reconcileMs,
        missingAfterMs: this.config.silences.resolveMissingAfterMs,
        now: this.deps.now,
        log: this.deps.log,
        ...(this.deps.cluster ? { shouldRun: () => this.deps.cluster!.isLeader() } : {}),
      });
      this.reconciler.start();
    }
  }

  async stop(): Promise<void> {
    await this.reconciler?.stop();
    this.store?.close();
  }
}

/** Mount the webhook route and, with an Alertmanager URL, the silence handler. */
export async function installAlertmanager(
  gateway: GatewayHooks,
  config: AlertmanagerConfig,
  deps: AlertmanagerDeps,
): Promise<AlertmanagerReceiver> {
  const sharedMap = config.url && config.silences.enabled ? deps.cluster?.sharedMap<SilenceRecord>('silences') : null;
  const receiver = new AlertmanagerReceiver(
    config,
    deps,
    sharedMap ? new SharedSilenceStore(await sharedMap) : undefined,
  );
  const options: Options = {
    tokens: config.tokens ?? deps.tokens,
    maxBodyBytes: config.maxBodyBytes,
    mapper: compileMapping(config.mapping),
    now: deps.now,
    log: deps.log,
    stats: receiver.stats,
  };
  if (config.heartbeat && deps.heartbeats) {
    const heartbeats = deps.heartbeats;
    heartbeats.declare(
      ALERTMANAGER_SOURCE,
      config.heartbeat.intervalMs,
      `Alertmanager (${config.heartbeat.alertname})`,
    );
    options.heartbeat = { alertname: config.heartbeat.alertname, beat: () => heartbeats.beat(ALERTMANAGER_SOURCE) };
  }
  gateway.addRoute('POST', ALERTMANAGER_PATH, async (request, response) => {
    const receivedAt = deps.now();
    const answer = await handleWebhook(request, gateway.sink, options);
    const status = answer.ok ? 200 : httpStatusOf(answer.code);
    receiver.stats.answers[status] = (receiver.stats.answers[status] ?? 0) + 1;
    receiver.stats.last = { receivedAt, answeredAt: deps.now(), status };
    if (answer.ok)
      response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.value)}\n`);
    else sendHttpError(response, answer);
  });
  if (receiver.silencer) gateway.addActionHandler(receiver.silencer);
  await gateway.addSource(receiver);
  return receiver;
}
