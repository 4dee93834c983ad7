/**
 * The POST route of a source that monitors push to (Nagios's notification command, Zabbix's
 * media type): run the source's handler, count the answer by status and what it stored, answer
 * JSON or the errors table's refusal, and log a refusal with the peer's address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Result } from '../../common/result.js';
import { httpStatusOf, sendHttpError, type HttpErrorCode } from '../server/http-errors.js';
import type { EventSink } from './sink.js';

/** What a push route has answered, by status, and what it stored. */
export type PushSourceStats = {
  answers: Record<number, number>;
  published: number;
  duplicates: number;
  lastError?: string;
};

/** What a pushed body stored: events journaled, and repeats refused by their dedup keys. */
export type PushOutcome = { published: number; duplicates: number };

/** The route handler for `source` (`what` names it in the log: "nagios notification"). */
export function pushRoute(
  what: string,
  source: {
    stats: PushSourceStats;
    handle(request: IncomingMessage, sink: EventSink): Promise<Result<PushOutcome, HttpErrorCode>>;
  },
  sink: EventSink,
  log: (message: string) => void,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const answer = await source.handle(request, sink);
    const status = answer.ok ? 200 : httpStatusOf(answer.code);
    source.stats.answers[status] = (source.stats.answers[status] ?? 0) + 1;
    if (answer.ok) {
      source.stats.published += answer.value.published;
      source.stats.duplicates += answer.value.duplicates;
      response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.value)}\n`);
      return;
    }
    source.stats.lastError = answer.message;
    log(`${what} from ${request.socket.remoteAddress}: ${status} ${answer.message}`);
    sendHttpError(response, answer);
  };
}
