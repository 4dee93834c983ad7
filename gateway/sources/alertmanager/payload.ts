/**
 * Alertmanager's webhook payload, version 4, as notify/webhook/webhook.go (`Message`) and
 * template/template.go (`Data`, `Alert`) send it:
 *
 * { version: "4", groupKey, truncatedAlerts, status: "firing"|"resolved", receiver,
 *   groupLabels, commonLabels, commonAnnotations, externalURL,
 *   alerts: [{ status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint }] }
 *
 * Times are RFC 3339 (Go's time.Time, nanoseconds allowed); a firing alert's endsAt may be
 * Go's zero time. Only the fields Tocsin uses are required; unknown fields are ignored.
 */
import { z } from 'zod';
import type { AlertBody, AlertEvent } from '../../../common/protocol/alert.js';
import type { SinkEntry } from '../sink.js';
import type { Mapper } from './mapping.js';

/** Source name journaled with Alertmanager alerts; the silence handler answers for it. */
export const ALERTMANAGER_SOURCE = 'alertmanager';

const KV = z.record(z.string(), z.string());
const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not an RFC 3339 time');

export const WebhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: KV,
  annotations: KV.default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1).max(256),
});
export type WebhookAlert = z.infer<typeof WebhookAlertSchema>;

export const WebhookMessageSchema = z.object({
  version: z.literal('4', { error: 'only webhook payload version "4" is understood' }),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: KV.default({}),
  commonLabels: KV.default({}),
  commonAnnotations: KV.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(WebhookAlertSchema).max(10_000),
});
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;

/**
 * Re-deliveries of the same alert episode in the same status share this key:
 * `${fingerprint}|${startsAt}|${status}`, with startsAt in one canonical form (ISO 8601, UTC,
 * milliseconds) so that every rendering of the same instant (Go's nanoseconds, an offset,
 * Alertmanager's API) gives the same key.
 */
export function dedupKey(alert: Pick<WebhookAlert, 'fingerprint' | 'startsAt' | 'status'>): string {
  return `${alert.fingerprint}|${canonicalTime(alert.startsAt)}|${alert.status}`;
}

export function canonicalTime(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

// The protocol bounds label maps (alert.ts): at most 64 labels, names ≤ 128, values ≤ 1024.
const MAX_LABELS = 64;
const PREFERRED_LABELS = ['alertname', 'severity', 'category', 'instance', 'job', 'service'];

/**
 * The labels kept on the Tocsin alert: every label within the protocol's bounds, the
 * well-known ones first. Each kept label is exact, so a silence built from them matches the
 * alert (a subset of its labels); an oversized label is left out, never truncated.
 */
export function keptLabels(labels: Record<string, string>): Record<string, string> {
  const names = Object.keys(labels).filter((name) => name.length <= 128 && labels[name]!.length <= 1024);
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const kept: Record<string, string> = {};
  for (const name of names.slice(0, MAX_LABELS)) kept[name] = labels[name]!;
  return kept;
}
const rank = (name: string) => {
  const index = PREFERRED_LABELS.indexOf(name);
  return index === -1 ? PREFERRED_LABELS.length : index;
};

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const millis = (text: string | undefined, fallback: number) => {
  const parsed = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(parsed) || parsed <= 0 ? fallback : parsed;
};

/** The Tocsin alert body for one webhook alert. */
export function alertBody(alert: WebhookAlert, mapper: Mapper, now: number): AlertBody {
  const { labels, annotations } = alert;
  const title = annotations.summary?.trim() || labels.alertname?.trim() || `Alert ${alert.fingerprint}`;
  const service = labels.job ?? labels.service;
  const body: AlertBody = {
    title: clip(title, 512),
    body: clip(annotations.description ?? '', 16_384),
    severity: mapper.severity(labels),
    category: mapper.category(labels),
    labels: keptLabels(labels),
    startsAt: millis(alert.startsAt, now),
  };
  if (labels.instance) body.host = clip(labels.instance, 512);
  if (service) body.service = clip(service, 512);
  if (isHttps(alert.generatorURL) && alert.generatorURL.length <= 2048) body.url = alert.generatorURL;
  // The runbook_url annotation is the convention of the Prometheus community's runbooks.
  const runbook = annotations.runbook_url?.trim();
  if (runbook && isHttps(runbook) && runbook.length <= 2048) body.runbookUrl = runbook;
  return body;
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The journal entries for one webhook alert. A resolve of an alert the gateway never saw
 * fire (it started after the alert did) is preceded by its `fired` event, so the console's
 * history has the alert and not a bare resolve.
 */
export function entriesFor(
  alert: WebhookAlert,
  mapper: Mapper,
  now: number,
  known: (alertId: string) => boolean,
): SinkEntry[] {
  const base = { alertId: alert.fingerprint, source: ALERTMANAGER_SOURCE, at: now };
  const fired: SinkEntry = {
    event: { kind: 'fired', ...base, alert: alertBody(alert, mapper, now) },
    dedupKey: dedupKey({ ...alert, status: 'firing' }),
  };
  if (alert.status === 'firing') return [fired];
  const resolved: AlertEvent = { kind: 'resolved', ...base, endsAt: millis(alert.endsAt, now) };
  const entry: SinkEntry = { event: resolved, dedupKey: dedupKey(alert) };
  return known(alert.fingerprint) ? [entry] : [fired, entry];
}
