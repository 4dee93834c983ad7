/**
 * POST /v1/nagios: notifications from deploy/nagios/tocsin-notify. 401 without a configured
 * token; 400 `invalid_nagios` naming the field (the command moves such a notification aside);
 * 200 only after the journal write (a repeat stores nothing); 503 when the journal cannot
 * write (the command keeps it spooled and delivers it later). Acknowledgements made in Tocsin
 * go to Nagios's external command file first, when one is configured.
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
import { AwaitedEchoes } from '../awaited-echoes.js';
import type { SourceHooks } from '../hooks.js';
import { pushRoute, type PushSourceStats } from '../push-route.js';
import type { EventSink, SourceActionHandler } from '../sink.js';
import { ackCommand, writeCommand } from './commands.js';
import type { NagiosConfig } from './config.js';
import {
  NAGIOS_SOURCE,
  NagiosNotificationSchema,
  nagiosAlertId,
  notificationEntries,
  parseNagiosAlertId,
} from './payload.js';

export const NAGIOS_PATH = '/v1/nagios';
/** How long Nagios's ACKNOWLEDGEMENT notification for an ack made in Tocsin is expected. */
const OWN_ACK_MS = 60_000;

/** What the route has answered, by status, and what it stored. */
export type NagiosStats = PushSourceStats;
type Refusal = 'bad_token' | BodyRefusal | 'invalid_nagios' | 'journal_unavailable';

/** The installed Nagios source: its statistics and its acknowledgement handler. */
export class NagiosSource implements SourceActionHandler {
  readonly source = NAGIOS_SOURCE;
  readonly stats: NagiosStats = { answers: {}, published: 0, duplicates: 0 };
  private readonly mapper: Mapper;
  /** Alerts acknowledged from Tocsin, whose ACKNOWLEDGEMENT notification Nagios will send. */
  private readonly ownAcks = new AwaitedEchoes(OWN_ACK_MS);

  constructor(
    private readonly config: NagiosConfig,
    private readonly deps: { tokens: readonly string[]; clock: Clock; log: (message: string) => void },
  ) {
    this.mapper = compileMapping(config.mapping);
  }

  /** Handle one notification. */
  async handle(
    request: IncomingMessage,
    sink: EventSink,
  ): Promise<Result<{ published: number; duplicates: number }, Refusal>> {
    const token = bearerToken(request);
    if (token === null || !tokenMatches(token, this.config.tokens ?? this.deps.tokens)) return httpError('bad_token');
    const body = await readJsonBody(request, 256 * 1024);
    if (!body.ok) return body;
    const parsed = NagiosNotificationSchema.safeParse(body.value);
    if (!parsed.success) return httpError('invalid_nagios', describeZodIssue(parsed.error, '(body)'));
    const n = parsed.data;
    const now = this.deps.clock.now();
    const alertId = nagiosAlertId(n.host, n.service);
    const own = this.ownAcks.awaited(alertId, now) !== undefined;
    const entries = notificationEntries(n, sink.alertState(alertId), { mapper: this.mapper, now, ownAck: own });
    try {
      const seqs = entries.length > 0 ? await sink.publish(entries) : [];
      const published = seqs.filter((seq) => seq !== null).length;
      return ok({ published, duplicates: seqs.length - published });
    } catch (error) {
      return httpError('journal_unavailable', errorMessage(error));
    }
  }

  /** Acknowledge or unacknowledge in Nagios before Tocsin journals it. */
  async onAction(alert: AlertState, action: Action, by: string): Promise<void> {
    if (action.action !== 'acknowledge' && action.action !== 'unacknowledge') return;
    if (!this.config.commandFile) return; // Not on Nagios's host: the ack stays in Tocsin (docs/sources.md).
    const target = parseNagiosAlertId(alert.alertId);
    if (!target) throw new Error(`${alert.alertId} is not a Nagios object`);
    const now = this.deps.clock.now();
    const line = ackCommand(
      target,
      action.action === 'acknowledge'
        ? {
            acknowledge: true,
            author: by,
            comment: action.comment || this.config.ackComment,
            sticky: this.config.stickyAcks,
          }
        : { acknowledge: false },
      now / 1000,
    );
    const write = () => writeCommand(this.config.commandFile!, line);
    await (action.action === 'acknowledge' ? this.ownAcks.sending(alert.alertId, true, now, write) : write());
  }

  /** How many own acknowledgements are still awaited from Nagios. */
  get ownAcksAwaited(): number {
    return this.ownAcks.size;
  }
}

/** Mount the route and register the acknowledgement handler. */
export function installNagios(
  gateway: SourceHooks,
  config: NagiosConfig,
  deps: { tokens: readonly string[]; clock: Clock; log: (message: string) => void },
): NagiosSource {
  const source = new NagiosSource(config, deps);
  gateway.addRoute('POST', NAGIOS_PATH, pushRoute('nagios notification', source, gateway.sink, deps.log));
  gateway.addActionHandler(source);
  return source;
}
