/**
 * Grafana's webhook contact point payload: Alertmanager's webhook message (version "1") plus
 * `orgId`, `state`, `title`, `message`, and per alert `silenceURL`, `dashboardURL`,
 * `panelURL`, `values` (and `valueString` in later releases), as Grafana documents it
 * ("Configure the webhook notifier for Alerting").
 */
import { z } from 'zod';
import type { AlertBody } from '../../../common/protocol/alert.js';
import type { Mapper } from '../alertmanager/mapping.js';
import { alertBody, canonicalTime, WebhookAlertSchema } from '../alertmanager/payload.js';
import type { SinkEntry } from '../sink.js';

/** Source name journaled with Grafana alerts. */
export const GRAFANA_SOURCE = 'grafana';

const GrafanaAlertSchema = WebhookAlertSchema.extend({
  silenceURL: z.string().default(''),
  dashboardURL: z.string().default(''),
  panelURL: z.string().default(''),
  values: z.record(z.string(), z.unknown()).nullable().default(null),
  valueString: z.string().default(''),
});
export type GrafanaAlert = z.infer<typeof GrafanaAlertSchema>;

export const GrafanaMessageSchema = z.object({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  orgId: z.number().int().nonnegative(),
  alerts: z.array(GrafanaAlertSchema).max(10_000),
  externalURL: z.string().default(''),
  version: z.string().optional(),
  state: z.string().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
});
export type GrafanaMessage = z.infer<typeof GrafanaMessageSchema>;

const https = (url: string) => {
  try {
    return new URL(url).protocol === 'https:' && url.length <= 1024;
  } catch {
    return false;
  }
};

/** `B=44.24, C=1`: the query values that decided the alert, for the alert's body. */
function describeValues(values: Record<string, unknown> | null): string {
  if (!values) return '';
  return Object.entries(values)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? Number(value.toPrecision(6)) : String(value)}`)
    .join(', ');
}

/**
 * The Tocsin alert body: Alertmanager's mapping, the panel (else dashboard) as its link, and the
 * links Grafana's own notifications offer as actions in the console's detail.
 */
export function grafanaBody(alert: GrafanaAlert, mapper: Mapper, now: number): AlertBody {
  const body = alertBody(alert, mapper, now);
  const values = describeValues(alert.values);
  if (values) body.body = `${body.body}${body.body ? '\n\n' : ''}Values: ${values}`.slice(0, 16_384);
  const link = [alert.panelURL, alert.dashboardURL, alert.generatorURL].find(https);
  if (link) body.url = link;
  const links = [
    { title: 'Open panel', url: alert.panelURL },
    { title: 'Open dashboard', url: alert.dashboardURL },
    { title: 'Silence in Grafana', url: alert.silenceURL },
  ].filter((action) => https(action.url));
  if (links.length > 0) body.links = links;
  return body;
}

/** The journal entries of one Grafana alert (a resolve of an unseen alert brings its `fired` first). */
export function grafanaEntries(
  alert: GrafanaAlert,
  orgId: number,
  mapper: Mapper,
  now: number,
  known: (alertId: string) => boolean,
): SinkEntry[] {
  const alertId = `grafana:${orgId}:${alert.fingerprint}`;
  const key = (status: string) => `${alertId}|${canonicalTime(alert.startsAt)}|${status}`;
  const base = { alertId, source: GRAFANA_SOURCE, at: now };
  const fired: SinkEntry = {
    event: { kind: 'fired', ...base, alert: grafanaBody(alert, mapper, now) },
    dedupKey: key('firing'),
  };
  if (alert.status === 'firing') return [fired];
  const endsAt = Date.parse(alert.endsAt ?? '');
  const resolved: SinkEntry = {
    event: { kind: 'resolved', ...base, endsAt: Number.isNaN(endsAt) || endsAt <= 0 ? now : endsAt },
    dedupKey: key('resolved'),
  };
  return known(alertId) ? [resolved] : [fired, resolved];
}
