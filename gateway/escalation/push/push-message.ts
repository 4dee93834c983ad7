/**
 * What a Web Push carries, decided without sending anything: the JSON the console's service
 * worker shows (under the size every push service accepts), the `Topic` that makes a repeat
 * for the same alert replace the earlier one on the device, the `Urgency`, and how a push
 * service's `Retry-After` reads.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../../common/protocol/alert.js';
import { noticeTitle, settlementWords, type Notice, type Settlement } from '../channels/channel.js';

/**
 * The payload's limit in bytes. RFC 8291's single 4096-byte record holds at most 3993 bytes
 * of plaintext; some push services count 4 KB including the encryption's 103 bytes; staying
 * at 3 KB leaves both with room.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 3072;

/** The JSON the service worker reads (`v` lets a later gateway change it without confusing an older worker). */
export type PushMessage = {
  v: 1;
  alertId: string;
  title: string;
  body: string;
  severity: Severity;
  /** Opened by a click on the notification: the console on this alert. */
  consoleUrl: string;
  /** POSTed by the notification's Acknowledge action. */
  ackUrl: string;
  /** Notifications with the same tag replace each other on the device. */
  tag: string;
  /** The alert was acknowledged or resolved: this replaces its notification, quietly. */
  settled?: true;
};

/** The message for a notice, its body shortened (with an ellipsis) until the JSON fits `MAX_PUSH_PAYLOAD_BYTES`. */
export function pushMessage(notice: Notice): PushMessage {
  const { alert } = notice.fired;
  const full = [alert.host ? `${alert.host}${alert.service ? ` · ${alert.service}` : ''}` : '', alert.body ?? '']
    .filter(Boolean)
    .join('\n');
  const message: PushMessage = {
    v: 1,
    alertId: notice.fired.alertId,
    title: clip(noticeTitle(notice.fired), 200),
    body: full,
    severity: alert.severity,
    consoleUrl: notice.consoleUrl,
    ackUrl: notice.ackUrl,
    tag: `tocsin-${pushTopic(notice.fired.alertId)}`,
  };
  let size = Buffer.byteLength(JSON.stringify(message));
  while (size > MAX_PUSH_PAYLOAD_BYTES && message.body.length > 0) {
    // Cut by the bytes over, at least a character, so a multi-byte body converges quickly.
    message.body = clip(message.body, Math.max(0, message.body.length - Math.max(1, size - MAX_PUSH_PAYLOAD_BYTES)));
    size = Buffer.byteLength(JSON.stringify(message));
  }
  return message;
}

/** The message that replaces a notice's notification once its alert is acknowledged or resolved. */
export function settledPushMessage(notice: Notice, settlement: Settlement): PushMessage {
  const base = pushMessage(notice);
  return {
    ...base,
    title: clip(`${settlementWords(settlement)}: ${notice.fired.alert.title}`, 200),
    body: 'Nobody needs to act on this now.',
    ackUrl: '',
    settled: true,
  };
}

/** RFC 8030 §5.4 `Topic`: at most 32 URL-safe base64 characters, the same for every push about one alert. */
export function pushTopic(alertId: string): string {
  return createHash('sha256').update(alertId).digest('base64url').slice(0, 32);
}

/** RFC 8030 §5.3 `Urgency`: `high` wakes a sleeping phone at once; only critical alerts ask for it. */
export function pushUrgency(severity: Severity): 'high' | 'normal' {
  return severity === 'critical' ? 'high' : 'normal';
}

/** When a 429's `Retry-After` (seconds or an HTTP date) lets us send again; a minute when it says nothing usable. */
export function retryAfterAt(header: string | string[] | undefined, now: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) return now + Number(value.trim()) * 1000;
  const date = value === undefined ? NaN : Date.parse(value);
  return Number.isFinite(date) && date > now ? date : now + 60_000;
}

function clip(text: string, length: number): string {
  if (text.length <= length) return text;
  return `${Array.from(text.slice(0, Math.max(0, length - 1))).join('')}…`;
}
