/**
 * What a console asks the gateway about escalation, with its person's device token:
 *
 * - `GET /v1/escalation/ladder?alert=<id>`: the alert's ladder, each row with who, by what,
 *   when it is (or was) due and how it went, so the console can say "next step in 3:12".
 * - `GET /v1/escalation/me`: the person behind the token, the e-mail on record, their push
 *   subscriptions, and the VAPID key to subscribe with.
 * - `GET /v1/escalation/health`: whether the gateway can reach anyone (see ChannelHealth).
 */
import { sendJson } from '../../common/node/http/send-json.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestUrl } from '../../common/node/http/request-url.js';
import { httpError, sendHttpError } from '../server/http-errors.js';
import { bearerToken } from '../server/upgrade.js';
import type { ChannelHealth } from './channel-health.js';
import type { Directory, Person } from './directory.js';
import type { ChannelName } from './ladder.js';
import type { PushSubscriptions } from './push/push-store.js';
import type { EscalationStore, StepRow } from './store.js';

export const LADDER_PATH = '/v1/escalation/ladder';
export const ME_PATH = '/v1/escalation/me';
export const HEALTH_PATH = '/v1/escalation/health';

/** One row of a ladder as a console shows it. */
export type LadderRow = {
  step: number;
  person: string;
  channel: ChannelName;
  state: StepRow['state'];
  dueAt: number;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
};

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The three handlers, by method and path. */
export function consoleRoutes(deps: {
  store: EscalationStore;
  push: PushSubscriptions;
  /** In a cluster: each row as the cluster recorded it (a follower's own rows are only its plan). */
  overlay?: (rows: StepRow[]) => Promise<StepRow[]>;
  directory: Pick<Directory, 'person'>;
  identify: (token: string) => Person | null;
  health: ChannelHealth;
  publicKey: string;
  pushAvailable: boolean;
}): Array<[method: string, path: string, route: Route]> {
  const authorized = (request: IncomingMessage, response: ServerResponse): Person | null => {
    request.resume();
    const token = bearerToken(request);
    const person = token === null ? null : deps.identify(token);
    if (!person) sendHttpError(response, httpError('bad_token', 'a person’s device token is required'));
    return person;
  };
  const ladder: Route = async (request, response) => {
    if (!authorized(request, response)) return;
    const alertId = requestUrl(request)?.searchParams.get('alert') ?? '';
    const stored = deps.store.rows(alertId);
    const rows: LadderRow[] = (deps.overlay ? await deps.overlay(stored) : stored).map((row) => ({
      step: row.step,
      person: deps.directory.person(row.person)?.name ?? row.person,
      channel: row.channel,
      state: row.state,
      dueAt: row.due_at,
      sentAt: row.sent_at,
      attempts: row.attempts,
      lastError: row.last_error,
    }));
    sendJson(response, 200, { alertId, rows });
  };
  const me: Route = async (request, response) => {
    const person = authorized(request, response);
    if (!person) return;
    sendJson(response, 200, {
      person: { id: person.id, name: person.name, email: person.email ?? null },
      push: {
        available: deps.pushAvailable,
        publicKey: deps.publicKey,
        subscriptions: (await deps.push.forPerson(person.id)).map(({ device, createdAt, endpoint }) => ({
          device,
          createdAt,
          endpoint,
        })),
      },
    });
  };
  const health: Route = async (request, response) => {
    if (!authorized(request, response)) return;
    sendJson(response, 200, deps.health.report());
  };
  return [
    ['GET', LADDER_PATH, ladder],
    ['GET', ME_PATH, me],
    ['GET', HEALTH_PATH, health],
  ];
}
