/**
 * `webhooks` in the gateway configuration (optional): named JSON webhooks, each mounted at
 * `POST /v1/webhooks/<name>`, each with JSONata expressions that map a posted body to alerts.
 * Every expression is compiled while the configuration is parsed, so a bad one fails the
 * gateway's start with its field named (`webhooks.kuma.fields.title: not a valid JSONata …`).
 */
import { z } from 'zod';
import { LabelMappingSchema } from '../alertmanager/mapping.js';
import { compileExpression, DEFAULT_LIMITS } from './expressions.js';

/** A JSONata expression, checked by compiling it. */
const Expression = z
  .string()
  .min(1)
  .max(8192)
  .superRefine((text, context) => {
    const compiled = compileExpression(text);
    if (!compiled.ok) context.addIssue({ code: 'custom', message: compiled.message });
  });

/** Which expression gives each part of the alert; all but `id` and `title` are optional. */
export const WebhookFieldsSchema = z.strictObject({
  /** Selects the items of a body that carries several alerts (e.g. `alerts`); absent: the body is one item. */
  each: Expression.optional(),
  /** True for a body (or item) that is not an alert at all (a test notification): answered 200, nothing stored. */
  ignore: Expression.optional(),
  /** The alert's identity at its source (a string or number), e.g. `monitor.id`. */
  id: Expression,
  title: Expression,
  body: Expression.optional(),
  /** A value looked up in `mapping.severity` (like Alertmanager's `severity` label). */
  severity: Expression.optional(),
  /** A Tocsin category, or a value the mapping's patterns decide. */
  category: Expression.optional(),
  host: Expression.optional(),
  service: Expression.optional(),
  url: Expression.optional(),
  /** An object of label names to values (numbers and booleans become strings). */
  labels: Expression.optional(),
  /** True when the item resolves its alert; absent: every item fires. */
  resolved: Expression.optional(),
  /** When the condition began: an ISO 8601 text or milliseconds since the epoch; absent: now. */
  startsAt: Expression.optional(),
  /** A value that is the same on a re-delivery of the same notification: repeats then journal nothing. */
  dedup: Expression.optional(),
});
export type WebhookFields = z.output<typeof WebhookFieldsSchema>;

export const WebhookConfigSchema = z.strictObject({
  /** Bearer tokens the sender presents. Absent: the gateway's own `tokens`. */
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .max(8 * 1024 * 1024)
    .default(256 * 1024),
  fields: WebhookFieldsSchema,
  /** Values → severity and category, as for Alertmanager (the `severity` and `category` values act as labels). */
  mapping: LabelMappingSchema.prefault({}),
  /** Evaluation bounds of each expression, per item. */
  timeoutMs: z.number().int().min(1).max(5_000).default(DEFAULT_LIMITS.timeoutMs),
  maxDepth: z.number().int().min(10).max(10_000).default(DEFAULT_LIMITS.maxDepth),
  /** The most items one body may carry (`each`). */
  maxItems: z.number().int().min(1).max(10_000).default(1_000),
});
export type WebhookConfig = z.output<typeof WebhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof WebhookConfigSchema>;

/** A webhook's name is a path segment: lower-case letters, digits and dashes. */
export const WebhookNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a webhook name is 1 to 63 lower-case letters, digits or dashes');

export const WebhooksConfigSchema = z.record(WebhookNameSchema, WebhookConfigSchema);
export type WebhooksConfig = z.output<typeof WebhooksConfigSchema>;
