/**
 * From a posted JSON body to journal entries, by a webhook's compiled expressions. Every item
 * of the body is mapped before anything is published, so a body with one bad item stores
 * nothing: the sender gets a 400 naming the item and the field, and may fix and resend it.
 */
import type { AlertBody } from '../../../common/protocol/alert.js';
import { fail, ok, type Result } from '../../../common/result.js';
import { compileMapping, type Mapper } from '../alertmanager/mapping.js';
import { keptLabels } from '../alertmanager/payload.js';
import type { SinkEntry } from '../sink.js';
import type { WebhookConfig, WebhookFields } from './config.js';
import { compileExpression, type CompiledExpression } from './expressions.js';

type FieldName = keyof WebhookFields;
/** A webhook's expressions, compiled, and its severity/category mapping. */
export type CompiledWebhook = {
  name: string;
  source: string;
  expressions: Partial<Record<FieldName, CompiledExpression>>;
  mapper: Mapper;
  maxItems: number;
};

/** Why a body could not be mapped: codes of the gateway's HTTP errors table. */
export type MapRefusal = 'webhook_field_missing' | 'webhook_expression_failed';

/** One item's outcome: an alert event to journal, or nothing (ignored). */
type Mapped = { id: string; resolved: boolean; alert: AlertBody; dedup?: string } | null;

/** Compile a configured webhook (its expressions were already checked by the schema). */
export function compileWebhook(name: string, config: WebhookConfig): CompiledWebhook {
  const limits = { timeoutMs: config.timeoutMs, maxDepth: config.maxDepth, maxSequence: 10_000 };
  const expressions: CompiledWebhook['expressions'] = {};
  for (const [field, text] of Object.entries(config.fields) as Array<[FieldName, string | undefined]>) {
    if (text === undefined) continue;
    const compiled = compileExpression(text, limits);
    if (!compiled.ok) throw new Error(`webhooks.${name}.fields.${field}: ${compiled.message}`);
    expressions[field] = compiled.value;
  }
  return {
    name,
    source: `webhook:${name}`,
    expressions,
    mapper: compileMapping(config.mapping),
    maxItems: config.maxItems,
  };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const scalar = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** Map a whole body: the entries to publish, or the refusal naming the item and field. */
export async function mapBody(
  webhook: CompiledWebhook,
  body: unknown,
  now: number,
  known: (alertId: string) => { firing: boolean } | undefined,
): Promise<Result<{ entries: SinkEntry[]; ignored: number }, MapRefusal>> {
  let items: unknown[] = [body];
  if (webhook.expressions.each) {
    const selected = await webhook.expressions.each.evaluate(body);
    if (!selected.ok) return fail('webhook_expression_failed', `fields.each: ${selected.message}`);
    items = selected.value === undefined ? [] : Array.isArray(selected.value) ? selected.value : [selected.value];
    if (items.length > webhook.maxItems)
      return fail('webhook_expression_failed', `fields.each: ${items.length} items, over maxItems ${webhook.maxItems}`);
  }
  const entries: SinkEntry[] = [];
  let ignored = 0;
  for (const [index, item] of items.entries()) {
    const where = webhook.expressions.each ? `item ${index}: ` : '';
    const mapped = await mapItem(webhook, item, now);
    if (!mapped.ok) return { ...mapped, message: `${where}${mapped.message}` };
    const alert = mapped.value;
    if (alert === null) {
      ignored += 1;
      continue;
    }
    const alertId = clip(`${webhook.name}:${alert.id}`, 256);
    const state = known(alertId);
    const base = { alertId, source: webhook.source, at: now };
    const key = (kind: string) =>
      alert.dedup === undefined ? {} : { dedupKey: `${webhook.source}|${alertId}|${alert.dedup}|${kind}` };
    if (!alert.resolved) entries.push({ event: { kind: 'fired', ...base, alert: alert.alert }, ...key('fired') });
    // A resolve of an alert never seen firing (or already resolved) says nothing new: Uptime
    // Kuma, for one, reports every new monitor's first "up".
    else if (state?.firing) entries.push({ event: { kind: 'resolved', ...base, endsAt: now }, ...key('resolved') });
    else ignored += 1;
  }
  return ok({ entries, ignored });
}

/** Map one item; null when `ignore` is true. */
async function mapItem(webhook: CompiledWebhook, item: unknown, now: number): Promise<Result<Mapped, MapRefusal>> {
  const values: Partial<Record<FieldName, unknown>> = {};
  for (const [field, expression] of Object.entries(webhook.expressions) as Array<[FieldName, CompiledExpression]>) {
    if (field === 'each') continue;
    const result = await expression.evaluate(item);
    if (!result.ok) return fail('webhook_expression_failed', `fields.${field}: ${result.message}`);
    values[field] = result.value;
    if (field === 'ignore' && result.value === true) return ok(null);
  }
  const id = scalar(values.id);
  if (!id) return fail('webhook_field_missing', `fields.id: gave ${describe(values.id)}, not a string or number`);
  const title = scalar(values.title)?.trim();
  if (!title)
    return fail('webhook_field_missing', `fields.title: gave ${describe(values.title)}, not a non-empty text`);
  const labels: Record<string, string> = {};
  if (values.labels !== undefined) {
    if (typeof values.labels !== 'object' || values.labels === null || Array.isArray(values.labels))
      return fail('webhook_field_missing', `fields.labels: gave ${describe(values.labels)}, not an object`);
    for (const [name, value] of Object.entries(values.labels)) {
      const text = scalar(value);
      if (text !== undefined) labels[name] = text;
    }
  }
  const severity = scalar(values.severity);
  const category = scalar(values.category);
  const mapperLabels = {
    alertname: title,
    ...labels,
    ...(severity === undefined ? {} : { severity }),
    ...(category === undefined ? {} : { category }),
  };
  const alert: AlertBody = {
    title: clip(title, 512),
    body: clip(scalar(values.body) ?? '', 16_384),
    severity: webhook.mapper.severity(mapperLabels),
    category: webhook.mapper.category(mapperLabels),
    labels: keptLabels(labels),
    startsAt: startsAt(values.startsAt, now),
  };
  const host = scalar(values.host);
  const service = scalar(values.service);
  const url = scalar(values.url);
  if (host) alert.host = clip(host, 512);
  if (service) alert.service = clip(service, 512);
  if (url && url.length <= 2048) alert.url = url;
  const dedup = scalar(values.dedup);
  return ok({
    id: clip(id, 200),
    resolved: values.resolved === true,
    alert,
    ...(dedup ? { dedup: clip(dedup, 512) } : {}),
  });
}

function startsAt(value: unknown, now: number): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? Math.trunc(ms) : now;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
