/**
 * What the Tocsin media type posts (deploy/zabbix/media_tocsin.yaml): one Zabbix trigger
 * event, as its macros resolve ({EVENT.ID}, {EVENT.VALUE}, {EVENT.UPDATE.STATUS}, …), and the
 * journal entries it becomes.
 */
import { z } from 'zod';
import { AlertBodySchema, type AlertState } from '../../../common/protocol/alert.js';
import type { Mapper } from '../alertmanager/mapping.js';
import { keptLabels } from '../alertmanager/payload.js';
import type { SinkEntry } from '../sink.js';

/** Source name journaled with Zabbix alerts; the acknowledgement handler answers for it. */
export const ZABBIX_SOURCE = 'zabbix';

const text = (max: number) => z.string().max(max);
export const ZabbixEventSchema = z.object({
  eventId: z.string().regex(/^\d{1,20}$/, 'a Zabbix event id ({EVENT.ID})'),
  kind: z.enum(['problem', 'resolved', 'update']),
  name: text(2048).min(1),
  severity: text(64).default(''),
  host: text(512).default(''),
  tags: z
    .array(z.object({ tag: text(128), value: text(1024).default('') }))
    .max(200)
    .default([]),
  nseverity: text(8).optional(),
  opdata: text(4096).optional(),
  message: text(16_384).optional(),
  hostHost: text(512).optional(),
  hostIp: text(512).optional(),
  triggerId: text(32).optional(),
  /** {EVENT.UPDATE.ACTION}: "acknowledged", "commented", "unacknowledged", "changed severity", … (joined by Zabbix). */
  updateAction: text(512).optional(),
  updateMessage: text(16_384).optional(),
  user: text(512).optional(),
  url: text(2048).optional(),
});
export type ZabbixEvent = z.infer<typeof ZabbixEventSchema>;

/** `zabbix:<problem event id>`: a resolution and updates carry the problem's {EVENT.ID}. */
export const zabbixAlertId = (eventId: string) => `zabbix:${eventId}`;

const https = (url: string) => {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * The entries of one event: a problem fires, a resolution resolves, an update acknowledges,
 * unacknowledges or comments (never twice for what Tocsin itself sent to Zabbix: `own`), and
 * one that changed the severity fires the alert again with it (mapped as a problem's is).
 */
export function zabbixEntries(
  e: ZabbixEvent,
  current: AlertState | undefined,
  options: { mapper: Mapper; now: number; own: boolean },
): SinkEntry[] {
  const alertId = zabbixAlertId(e.eventId);
  const base = { alertId, source: ZABBIX_SOURCE, at: options.now };
  if (e.kind === 'problem') {
    const tags = Object.fromEntries(e.tags.map(({ tag, value }) => [tag, value]));
    // Tags first: the event's own name and severity win over tags of the same name.
    const labels = keptLabels({ ...tags, alertname: e.name.slice(0, 1024), severity: e.severity.toLowerCase() });
    const alert = {
      title: e.name.slice(0, 512),
      body: [e.opdata, e.message].filter(Boolean).join('\n').slice(0, 16_384),
      severity: options.mapper.severity(labels),
      category: options.mapper.category(labels),
      ...(e.host ? { host: e.host.slice(0, 512) } : {}),
      labels,
      startsAt: options.now,
      ...(e.url && https(e.url) ? { url: e.url } : {}),
    };
    return [{ event: { kind: 'fired', ...base, alert }, dedupKey: `zabbix|${e.eventId}|problem` }];
  }
  if (current?.status !== 'firing') return [];
  if (e.kind === 'resolved')
    return [{ event: { kind: 'resolved', ...base, endsAt: options.now }, dedupKey: `zabbix|${e.eventId}|resolved` }];
  if (options.own) return [];
  const action = (e.updateAction ?? '').toLowerCase();
  return [...severityChange(e, action, current, options.mapper, base), ...humanUpdate(e, action, current, base)];
}

type EntryBase = { alertId: string; source: string; at: number };

/**
 * "changed severity from High to Disaster": the alert fired again with {EVENT.SEVERITY}, which
 * names the new one, its acknowledgement kept (a repeat of a firing alert keeps it). A repeated
 * delivery finds the severity already set and adds nothing.
 */
function severityChange(
  e: ZabbixEvent,
  action: string,
  current: AlertState,
  mapper: Mapper,
  base: EntryBase,
): SinkEntry[] {
  const severity = e.severity.toLowerCase();
  if (!/\bchanged severity\b/.test(action) || severity === '' || severity === current.labels.severity) return [];
  const labels = { ...current.labels, severity };
  const alert = { ...AlertBodySchema.parse(current), labels, severity: mapper.severity(labels) };
  return [{ event: { kind: 'fired', ...base, alert } }];
}

/** What a person did besides: acknowledged, unacknowledged, or commented. */
function humanUpdate(e: ZabbixEvent, action: string, current: AlertState, base: EntryBase): SinkEntry[] {
  const by = e.user || 'Zabbix';
  const comment = e.updateMessage ? { comment: e.updateMessage } : {};
  if (/\bunacknowledged\b/.test(action))
    return current.acknowledged ? [{ event: { kind: 'unacknowledged', ...base, by, ...comment } }] : [];
  if (/\backnowledged\b/.test(action))
    return current.acknowledged ? [] : [{ event: { kind: 'acknowledged', ...base, by, ...comment } }];
  return e.updateMessage ? [{ event: { kind: 'commented', ...base, by, comment: e.updateMessage } }] : [];
}
