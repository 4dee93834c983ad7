/**
 * POST /v1/zabbix: events from the Tocsin media type. 401 without a configured token; 400
 * `invalid_zabbix` naming the field; 200 after the journal write (Zabbix's retries store
 * nothing twice); 503 when the journal cannot write (Zabbix retries). With `url` and
 * `apiToken`, acknowledging in Tocsin acknowledges the problem in Zabbix first.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../../common/clock.js';
import type { AlertState } from '../../../common/protocol/alert.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { Action } from '../../../common/protocol/frames.js';
import { ok, type Result } from '../../../common/result.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import { httpError } from '../../server/http-errors.js';
import { readJsonBody, type BodyRefusal } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import { compileMapping, type Mapper } from '../alertmanager/mapping.js';
import type { SourceHooks } from '../hooks.js';
import { pushRoute, type PushSourceStats } from '../push-route.js';
import type { EventSink, SourceActionHandler } from '../sink.js';
import { AwaitedEchoes } from '../awaited-echoes.js';
import { ZabbixApi } from './api.js';
import type { ZabbixConfig } from './config.js';
import { ZABBIX_SOURCE, zabbixAlertId, zabbixEntries, ZabbixEventSchema } from './payload.js';

export const ZABBIX_PATH = '/v1/zabbix';
/** How long Zabbix's update notification for an ack made in Tocsin is expected. */
const OWN_UPDATE_MS = 60_000;
/** Zabbix's `message` limit on an update. */
const MAX_MESSAGE = 2048;

/** What the route has answered, by status, and what it stored. */
export type ZabbixStats = PushSourceStats;
type Refusal = 'bad_token' | BodyRefusal | 'invalid_zabbix' | 'journal_unavailable';

export class ZabbixSource implements SourceActionHandler {
  readonly source = ZABBIX_SOURCE;
  readonly stats: ZabbixStats = { answers: {}, published: 0, duplicates: 0 };
  private readonly mapper: Mapper;
  private readonly api: ZabbixApi | null;
  /** Per alert, the message of the last update Tocsin made in Zabbix, while its echo is expected. */
  private readonly own = new AwaitedEchoes<string>(OWN_UPDATE_MS);

  constructor(
    private readonly config: ZabbixConfig,
    private readonly deps: { tokens: readonly string[]; clock: Clock },
  ) {
    this.mapper = compileMapping(config.mapping);
    this.api =
      config.url && config.apiToken
        ? new ZabbixApi({ url: config.url, apiToken: config.apiToken, timeoutMs: config.requestTimeoutMs })
        : null;
  }

  /** Handle one event from the media type. */
  async handle(
    request: IncomingMessage,
    sink: EventSink,
  ): Promise<Result<{ published: number; duplicates: number }, Refusal>> {
    const token = bearerToken(request);
    if (token === null || !tokenMatches(token, this.config.tokens ?? this.deps.tokens)) return httpError('bad_token');
    const body = await readJsonBody(request, 256 * 1024);
    if (!body.ok) return body;
    const parsed = ZabbixEventSchema.safeParse(body.value);
    if (!parsed.success) return httpError('invalid_zabbix', describeZodIssue(parsed.error, '(body)'));
    const now = this.deps.clock.now();
    const alertId = zabbixAlertId(parsed.data.eventId);
    const own = this.isEcho(alertId, parsed.data.kind === 'update' ? parsed.data.updateMessage : undefined, now);
    const entries = zabbixEntries(parsed.data, sink.alertState(alertId), { mapper: this.mapper, now, own });
    try {
      const seqs = entries.length > 0 ? await sink.publish(entries) : [];
      const published = seqs.filter((seq) => seq !== null).length;
      return ok({ published, duplicates: seqs.length - published });
    } catch (error) {
      return httpError('journal_unavailable', errorMessage(error));
    }
  }

  /**
   * Is this update Zabbix's notification of what Tocsin itself sent (when the media type is on
   * another user than the API token's)? Only an update with Tocsin's message: someone
   * commenting in Zabbix meanwhile is not an echo.
   */
  private isEcho(alertId: string, message: string | undefined, now: number): boolean {
    const mine = this.own.awaited(alertId, now);
    return mine !== undefined && message === mine;
  }

  /** Acknowledge or unacknowledge the problem in Zabbix before Tocsin journals it. */
  async onAction(alert: AlertState, action: Action, by: string): Promise<void> {
    if (action.action !== 'acknowledge' && action.action !== 'unacknowledge') return;
    if (!this.api) return; // No API configured: the ack stays in Tocsin (docs/sources.md).
    const eventId = alert.alertId.slice('zabbix:'.length);
    const verb = action.action === 'acknowledge' ? 'Acknowledged' : 'Unacknowledged';
    const message = `${verb} in Tocsin by ${by}${action.comment ? `: ${action.comment}` : ''}`.slice(0, MAX_MESSAGE);
    const now = this.deps.clock.now();
    const api = this.api;
    await this.own.sending(alert.alertId, message, now, () =>
      api.acknowledge(eventId, action.action === 'acknowledge', message),
    );
  }
}

/** Mount the route and register the acknowledgement handler. */
export function installZabbix(
  gateway: SourceHooks,
  config: ZabbixConfig,
  deps: { tokens: readonly string[]; clock: Clock; log: (message: string) => void },
): ZabbixSource {
  const source = new ZabbixSource(config, deps);
  gateway.addRoute('POST', ZABBIX_PATH, pushRoute('zabbix webhook', source, gateway.sink, deps.log));
  gateway.addActionHandler(source);
  return source;
}
