/**
 * The webhook channel: each of a person's webhooks gets the notice as a signed JSON POST, or,
 * for the `ntfy` flavour, as an ntfy JSON publish (title, message, priority, tags, click URL
 * and an Acknowledge button that POSTs the acknowledge link, and a sequence id per alert so that
 * repeats replace each other on the phone).
 *
 * Signing (plain JSON): `X-Tocsin-Timestamp` is the send time in seconds since the epoch and
 * `X-Tocsin-Signature` is `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the
 * webhook's secret. Receivers recompute it over the raw body and refuse a timestamp more than
 * 5 minutes old (`verifyWebhookSignature` does both): a captured request cannot be replayed
 * later. For ntfy the secret, if any, is sent as the bearer access token.
 *
 * A person is reached when any of their webhooks accepts (2xx); the detail names the others.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../../common/result.js';
import type { Severity } from '../../../common/protocol/alert.js';
import type { PersonWebhook } from '../directory.js';
import { noticeTitle, runbookUrl, settlementWords, type Channel, type Notice, type Settlement } from './channel.js';
import { pushTopic } from '../push/push-message.js';

/** How old a signed request a receiver should still accept. */
export const WEBHOOK_REPLAY_WINDOW_MS = 5 * 60_000;

/** `sha256=<hex>` over `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: the signature matches and the timestamp is within the replay window of `now`. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  now: number,
): boolean {
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now - seconds * 1000) > WEBHOOK_REPLAY_WINDOW_MS) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The plain JSON body. */
export function webhookBody(notice: Notice): Record<string, unknown> {
  const { fired, person } = notice;
  return {
    type: 'tocsin.escalation',
    alertId: fired.alertId,
    source: fired.source,
    firedAt: fired.at,
    person: { id: person.id, name: person.name },
    title: noticeTitle(fired),
    alert: fired.alert,
    runbookUrl: runbookUrl(fired) ?? null,
    consoleUrl: notice.consoleUrl,
    ackUrl: notice.ackUrl,
  };
}

const NTFY_PRIORITY: Record<Severity, number> = { critical: 5, high: 4, warning: 3, info: 2 };

/** The ntfy publish: POSTed to the server's root with the topic taken from the webhook URL's path. */
export function ntfyPublish(notice: Notice, webhookUrl: string): { url: string; body: Record<string, unknown> } {
  const url = new URL(webhookUrl);
  const topic = url.pathname.replace(/^\/+|\/+$/g, '');
  const { alert } = notice.fired;
  const lines = [alert.body, ...Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`)].filter(Boolean);
  return {
    url: `${url.origin}/`,
    body: {
      topic,
      title: noticeTitle(notice.fired),
      message: lines.join('\n') || alert.title,
      priority: NTFY_PRIORITY[alert.severity],
      tags: [alert.severity === 'critical' ? 'rotating_light' : 'warning', alert.category],
      click: notice.consoleUrl,
      actions: [{ action: 'http', label: 'Acknowledge', url: notice.ackUrl, method: 'POST', clear: true }],
      // ntfy 2.16+: a later step for the same alert replaces this notification instead of adding one
      // (older servers ignore the field). Derived from the alert id, in the characters ntfy allows.
      sequence_id: pushTopic(notice.fired.alertId),
    },
  };
}

/** The ntfy publish that replaces a notice's notification once its alert is acknowledged or resolved. */
export function ntfySettled(
  notice: Notice,
  settlement: Settlement,
  webhookUrl: string,
): { url: string; body: Record<string, unknown> } {
  const { url, body } = ntfyPublish(notice, webhookUrl);
  return {
    url,
    body: {
      topic: body.topic,
      title: `${settlementWords(settlement)}: ${notice.fired.alert.title}`.slice(0, 250),
      message: `${noticeTitle(notice.fired)} needs nobody now.`,
      priority: 1,
      tags: ['white_check_mark'],
      click: notice.consoleUrl,
      sequence_id: body.sequence_id,
    },
  };
}

/** The plain JSON body saying an escalated alert was acknowledged or resolved. */
export function settledBody(notice: Notice, settlement: Settlement): Record<string, unknown> {
  return {
    type: 'tocsin.escalation.settled',
    alertId: notice.fired.alertId,
    person: { id: notice.person.id, name: notice.person.name },
    how: settlement.how,
    by: settlement.by ?? null,
    consoleUrl: notice.consoleUrl,
  };
}

/** What each of a person's webhooks is sent: its ntfy publish, or its plain JSON body. */
type Message = {
  ntfy: (hookUrl: string) => { url: string; body: Record<string, unknown> };
  json: Record<string, unknown>;
};

/** Sends notices to people's webhooks. */
export class WebhookChannel implements Channel {
  constructor(
    private readonly deps: { now: () => number; timeoutMs?: number; fetch?: typeof fetch } = { now: () => Date.now() },
  ) {}

  async send(notice: Notice): Promise<Result<string>> {
    const hooks = notice.person.webhooks ?? [];
    if (hooks.length === 0) return fail('no_webhook', `${notice.person.name} has no webhook`);
    const message: Message = { ntfy: (url) => ntfyPublish(notice, url), json: webhookBody(notice) };
    const outcomes = await Promise.all(hooks.map((hook) => this.post(hook, message)));
    const failures = outcomes.filter((o): o is string => o !== null);
    if (failures.length === hooks.length) return fail('webhook_failed', failures.join('; '));
    return ok(
      failures.length
        ? `delivered (${failures.length} of ${hooks.length} failed: ${failures.join('; ')})`
        : 'delivered',
    );
  }

  /** Replace the person's notification (ntfy) or tell their receiver (JSON) that the alert needs nobody now. */
  async settle(notice: Notice, settlement: Settlement): Promise<Result<string>> {
    const hooks = notice.person.webhooks ?? [];
    const message: Message = {
      ntfy: (url) => ntfySettled(notice, settlement, url),
      json: settledBody(notice, settlement),
    };
    const failures = (await Promise.all(hooks.map((hook) => this.post(hook, message)))).filter((o) => o !== null);
    return failures.length ? fail('webhook_failed', failures.join('; ')) : ok('settled');
  }

  /** null when accepted, else why not. */
  private async post(hook: PersonWebhook, message: Message): Promise<string | null> {
    let target = hook.url;
    let body: string;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tocsin-gateway' };
    try {
      if (hook.flavour === 'ntfy') {
        const publish = message.ntfy(hook.url);
        target = publish.url;
        body = JSON.stringify(publish.body);
        if (hook.secret) headers.authorization = `Bearer ${hook.secret}`;
      } else {
        body = JSON.stringify(message.json);
        const timestamp = String(Math.floor(this.deps.now() / 1000));
        headers['x-tocsin-timestamp'] = timestamp;
        if (hook.secret) headers['x-tocsin-signature'] = webhookSignature(hook.secret, timestamp, body);
      }
      const response = await (this.deps.fetch ?? fetch)(target, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      return response.ok ? null : `${new URL(target).host} answered HTTP ${response.status}`;
    } catch (error) {
      return `${hook.url}: ${errorMessage(error)}`;
    }
  }
}
