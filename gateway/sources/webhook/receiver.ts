/**
 * `POST /v1/webhooks/<name>`: any JSON webhook (Uptime Kuma, Checkmk, CI systems, scripts),
 * mapped to alerts by the webhook's JSONata expressions (docs/sources.md).
 *
 * 401 without a configured bearer token; 400 for a body that is not JSON or that the mapping
 * cannot turn into alerts (the message names the item and field); 200 `{published,
 * duplicates, ignored, seqs}` only after every event is durable; 503 when the journal cannot
 * write. Refusals are counted per webhook and code (`stats.refused`).
 */
import type { IncomingMessage } from 'node:http';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { ok, type Result } from '../../../common/result.js';
import { httpError, httpStatusOf, sendHttpError } from '../../server/http-errors.js';
import { readJsonBody, type BodyRefusal } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import type { SourceHooks } from '../hooks.js';
import type { EventSink } from '../sink.js';
import type { WebhooksConfig } from './config.js';
import { compileWebhook, mapBody, type CompiledWebhook, type MapRefusal } from './map-body.js';

/** The route of the webhook called `name`. */
export const webhookPath = (name: string) => `/v1/webhooks/${name}`;

/** What one webhook has seen. */
export type WebhookStats = {
  published: number;
  duplicates: number;
  ignored: number;
  /** Refusals by code of the HTTP errors table. */
  refused: Record<string, number>;
  lastRefusal?: string;
};

type Refusal = 'bad_token' | BodyRefusal | MapRefusal | 'journal_unavailable';
type Accepted = { published: number; duplicates: number; ignored: number; seqs: Array<number | null> };

/** Handle one delivery to `webhook`. */
export async function handleWebhookPost(
  request: IncomingMessage,
  sink: EventSink,
  webhook: CompiledWebhook,
  options: { tokens: readonly string[]; maxBodyBytes: number; now: () => number },
): Promise<Result<Accepted, Refusal>> {
  const token = bearerToken(request);
  if (token === null || !tokenMatches(token, options.tokens)) return httpError('bad_token');
  const body = await readJsonBody(request, options.maxBodyBytes);
  if (!body.ok) return body;
  const now = options.now();
  const mapped = await mapBody(webhook, body.value, now, (id) => {
    const state = sink.alertState(id);
    return state && { firing: state.status === 'firing' };
  });
  if (!mapped.ok) return mapped;
  try {
    const seqs = mapped.value.entries.length > 0 ? await sink.publish(mapped.value.entries) : [];
    const published = seqs.filter((seq) => seq !== null).length;
    return ok({ published, duplicates: seqs.length - published, ignored: mapped.value.ignored, seqs });
  } catch (error) {
    return httpError('journal_unavailable', errorMessage(error));
  }
}

/** The installed webhooks: statistics by name. */
export type InstalledWebhooks = { stats: Map<string, WebhookStats> };

/** Mount one route per configured webhook. */
export function installWebhooks(
  gateway: SourceHooks,
  config: WebhooksConfig,
  deps: { tokens: readonly string[]; now: () => number; log: (message: string) => void },
): InstalledWebhooks {
  const stats = new Map<string, WebhookStats>();
  for (const [name, section] of Object.entries(config)) {
    const webhook = compileWebhook(name, section);
    const counts: WebhookStats = { published: 0, duplicates: 0, ignored: 0, refused: {} };
    stats.set(name, counts);
    const options = { tokens: section.tokens ?? deps.tokens, maxBodyBytes: section.maxBodyBytes, now: deps.now };
    gateway.addRoute('POST', webhookPath(name), async (request, response) => {
      const answer = await handleWebhookPost(request, gateway.sink, webhook, options);
      if (answer.ok) {
        counts.published += answer.value.published;
        counts.duplicates += answer.value.duplicates;
        counts.ignored += answer.value.ignored;
        response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer.value)}\n`);
        return;
      }
      counts.refused[answer.code] = (counts.refused[answer.code] ?? 0) + 1;
      counts.lastRefusal = answer.message;
      deps.log(`webhook ${name} from ${request.socket.remoteAddress}: ${httpStatusOf(answer.code)} ${answer.message}`);
      sendHttpError(response, answer);
    });
  }
  return { stats };
}
