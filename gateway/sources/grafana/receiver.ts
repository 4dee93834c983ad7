/**
 * POST /v1/grafana: Grafana-managed alerts from Grafana's webhook contact point. 401 without a
 * configured bearer token; 400 naming the field for a body that is not Grafana's payload
 * (Grafana does not retry a 4xx); 200 only once every alert's event is durable, repeats
 * journaling nothing; 503 when the journal cannot write (Grafana retries).
 */
import type { IncomingMessage } from 'node:http';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { ok, type Result } from '../../../common/result.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import { httpError, httpStatusOf, sendHttpError } from '../../server/http-errors.js';
import { readJsonBody, type BodyRefusal } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import { compileMapping, type Mapper } from '../alertmanager/mapping.js';
import type { DeadMansSwitch } from '../heartbeat/dead-mans-switch.js';
import type { SourceHooks } from '../hooks.js';
import type { EventSink } from '../sink.js';
import type { GrafanaConfig } from './config.js';
import { GRAFANA_SOURCE, grafanaEntries, GrafanaMessageSchema } from './payload.js';

export const GRAFANA_PATH = '/v1/grafana';

/** What the Grafana route has answered, by HTTP status, and what it stored. */
export type GrafanaStats = {
  answers: Record<number, number>;
  published: number;
  duplicates: number;
  lastError?: string;
};

type Refusal = 'bad_token' | BodyRefusal | 'invalid_grafana' | 'journal_unavailable';
type Options = {
  tokens: readonly string[];
  maxBodyBytes: number;
  mapper: Mapper;
  now: () => number;
  heartbeat?: { alertname: string; beat: () => void };
};

/** Handle one delivery from Grafana. */
export async function handleGrafana(
  request: IncomingMessage,
  sink: EventSink,
  options: Options,
): Promise<Result<{ published: number; duplicates: number; seqs: Array<number | null> }, Refusal>> {
  const token = bearerToken(request);
  if (token === null || !tokenMatches(token, options.tokens)) return httpError('bad_token');
  const body = await readJsonBody(request, options.maxBodyBytes);
  if (!body.ok) return body;
  const parsed = GrafanaMessageSchema.safeParse(body.value);
  if (!parsed.success) return httpError('invalid_grafana', describeZodIssue(parsed.error, '(body)'));
  const { heartbeat } = options;
  const now = options.now();
  const entries = parsed.data.alerts.flatMap((alert) => {
    if (heartbeat && alert.labels.alertname === heartbeat.alertname) {
      if (alert.status === 'firing') heartbeat.beat();
      return [];
    }
    return grafanaEntries(alert, parsed.data.orgId, options.mapper, now, (id) => sink.alertState(id) !== undefined);
  });
  try {
    const seqs = entries.length > 0 ? await sink.publish(entries) : [];
    const published = seqs.filter((seq) => seq !== null).length;
    return ok({ published, duplicates: seqs.length - published, seqs });
  } catch (error) {
    return httpError('journal_unavailable', errorMessage(error));
  }
}

/** Mount the route (and declare the heartbeat, if configured). */
export function installGrafana(
  gateway: SourceHooks,
  config: GrafanaConfig,
  deps: { tokens: readonly string[]; now: () => number; log: (message: string) => void; heartbeats: DeadMansSwitch },
): GrafanaStats {
  const stats: GrafanaStats = { answers: {}, published: 0, duplicates: 0 };
  const options: Options = {
    tokens: config.tokens ?? deps.tokens,
    maxBodyBytes: config.maxBodyBytes,
    mapper: compileMapping(config.mapping),
    now: deps.now,
  };
  if (config.heartbeat) {
    deps.heartbeats.declare(GRAFANA_SOURCE, config.heartbeat.intervalMs, `Grafana (${config.heartbeat.alertname})`);
    options.heartbeat = { alertname: config.heartbeat.alertname, beat: () => deps.heartbeats.beat(GRAFANA_SOURCE) };
  }
  gateway.addRoute('POST', GRAFANA_PATH, async (request, response) => {
    const answer = await handleGrafana(request, gateway.sink, options);
    const status = answer.ok ? 200 : httpStatusOf(answer.code);
    stats.answers[status] = (stats.answers[status] ?? 0) + 1;
    if (answer.ok) {
      stats.published += answer.value.published;
      stats.duplicates += answer.value.duplicates;
      response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.value)}\n`);
      return;
    }
    stats.lastError = answer.message;
    deps.log(`grafana webhook from ${request.socket.remoteAddress}: ${status} ${answer.message}`);
    sendHttpError(response, answer);
  });
  return stats;
}
