/**
 * The Web Push channel (RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292 VAPID),
 * through the `web-push` package: every subscription of the person gets the notice, so their
 * phone and their laptop's browser both ring. UnifiedPush distributors expose Web Push
 * endpoints, so they are subscriptions like any other.
 *
 * A push service's answer is acted on: 404 or 410 means the subscription is gone and it is
 * forgotten; 429 holds that endpoint until its `Retry-After`; anything else is an error the
 * ladder retries. The person is reached when any endpoint accepts (201).
 */
import type { Agent } from 'node:https';
import webpush from 'web-push';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../../common/result.js';
import { pushMessage, pushTopic, pushUrgency, retryAfterAt, settledPushMessage } from '../push/push-message.js';
import type { PushSubscriptionRow, PushSubscriptions, VapidKeys } from '../push/push-store.js';
import type { Channel, Notice, Settlement } from './channel.js';

/** How the channel sends: the gateway's VAPID identity and the push request's limits. */
export type WebPushOptions = {
  vapid: VapidKeys;
  /** RFC 8292 `sub`: a mailto: or https: URL a push service can reach the operator by. */
  subject: string;
  /** How long a push service keeps an undelivered push (the device offline), in seconds. */
  ttlSeconds: number;
  /** A push service that does not answer in this time has failed this attempt. */
  timeoutMs: number;
  now: () => number;
  /** The TLS agent for push services (tests trust their own CA with it). */
  agent?: Agent;
  log?: (message: string) => void;
};

/** Sends to each of a person's subscriptions. */
export class WebPushChannel implements Channel {
  constructor(
    private readonly store: PushSubscriptions,
    private readonly options: WebPushOptions,
  ) {}

  /** Close the kept-alive connections to push services. */
  close(): void {
    this.options.agent?.destroy();
  }

  async send(notice: Notice): Promise<Result<string>> {
    const subscriptions = await this.store.forPerson(notice.person.id);
    if (subscriptions.length === 0) {
      return fail('no_subscription', "no browser or device has turned on push (Settings → Reach me when I'm away)");
    }
    return this.sendAll(subscriptions, JSON.stringify(pushMessage(notice)), notice);
  }

  /** Replace the alert's notification on every device (same tag, same Topic) with a quiet "acknowledged". */
  async settle(notice: Notice, settlement: Settlement): Promise<Result<string>> {
    const subscriptions = await this.store.forPerson(notice.person.id);
    if (subscriptions.length === 0) return ok('no device to tell');
    return this.sendAll(subscriptions, JSON.stringify(settledPushMessage(notice, settlement)), notice, 'normal');
  }

  private async sendAll(
    subscriptions: PushSubscriptionRow[],
    message: string,
    notice: Notice,
    urgency?: 'normal',
  ): Promise<Result<string>> {
    const outcomes = await Promise.all(subscriptions.map((s) => this.sendTo(s, message, notice, urgency)));
    const delivered = outcomes.filter((o) => o.delivered).map((o) => o.device);
    const others = outcomes.filter((o) => !o.delivered).map((o) => `${o.device}: ${o.detail}`);
    if (delivered.length === 0) return fail('push_failed', others.join('; '));
    return ok(`delivered to ${delivered.join(', ')}${others.length ? ` (not to ${others.join('; ')})` : ''}`);
  }

  private async sendTo(
    subscription: PushSubscriptionRow,
    message: string,
    notice: Notice,
    urgency?: 'normal',
  ): Promise<{ device: string; delivered: boolean; detail: string }> {
    const { device, endpoint } = subscription;
    const now = this.options.now();
    if (subscription.waitUntil > now) {
      return { device, delivered: false, detail: `push service asked to wait until ${iso(subscription.waitUntil)}` };
    }
    try {
      await webpush.sendNotification(
        { endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        message,
        {
          vapidDetails: { subject: this.options.subject, ...this.options.vapid },
          TTL: this.options.ttlSeconds,
          urgency: urgency ?? pushUrgency(notice.fired.alert.severity),
          topic: pushTopic(notice.fired.alertId),
          contentEncoding: 'aes128gcm',
          timeout: this.options.timeoutMs,
          ...(this.options.agent ? { agent: this.options.agent } : {}),
        },
      );
      return { device, delivered: true, detail: 'delivered' };
    } catch (error) {
      return { device, delivered: false, detail: this.refused(subscription, error, now) };
    }
  }

  /** A change to a subscription that may be made over the network: a failure is logged, never the send's. */
  private remember(change: unknown, what: string, subscription: PushSubscriptionRow): void {
    void Promise.resolve(change).catch((error: unknown) =>
      this.options.log?.(`web push: ${what} ${subscription.device}'s subscription failed: ${errorMessage(error)}`),
    );
  }

  /** What a failed send means for the subscription, as the timeline says it. */
  private refused(subscription: PushSubscriptionRow, error: unknown, now: number): string {
    if (!(error instanceof webpush.WebPushError)) return errorMessage(error);
    const status = error.statusCode;
    if (status === 404 || status === 410) {
      this.remember(this.store.remove(subscription.endpoint), 'forgetting', subscription);
      return `${status}: the subscription is gone, forgotten`;
    }
    if (status === 429) {
      const at = retryAfterAt(error.headers['retry-after'], now);
      this.remember(this.store.waitUntil(subscription.endpoint, at), 'holding', subscription);
      return `429: push service asked to wait until ${iso(at)}`;
    }
    return `${status}${error.body ? ` ${error.body.slice(0, 120)}` : ''}`;
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
