/**
 * `alertmanager` in the gateway configuration (optional): the webhook receiver at
 * POST /v1/alertmanager and, with `url`, silences for acknowledgements.
 */
import { z } from 'zod';
import { IntervalSchema } from '../heartbeat/install.js';
import { LabelMappingSchema } from './mapping.js';

export const AlertmanagerConfigSchema = z.strictObject({
  /**
   * Bearer tokens Alertmanager presents (its receiver's http_config.authorization). Absent:
   * the gateway's own `tokens`.
   */
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
  /** Largest webhook body accepted (413 above; Alertmanager's max_alerts keeps it small). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  /**
   * The dead-man's switch: an always-firing alert (kube-prometheus's `Watchdog`) that must
   * arrive within `intervalMs`; it is a heartbeat, never journaled as an alert.
   */
  heartbeat: z
    .strictObject({ alertname: z.string().min(1).default('Watchdog'), intervalMs: IntervalSchema })
    .optional(),
  /** Labels → severity and category. */
  mapping: LabelMappingSchema.prefault({}),
  /** Alertmanager's base URL (e.g. http://127.0.0.1:9093). Without it, acknowledging creates no silence. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Sent as `Authorization: Bearer …` to Alertmanager's API, if it sits behind a proxy that wants one. */
  apiToken: z.string().optional(),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  silences: z
    .strictObject({
      /** Acknowledge creates a silence, unacknowledge expires it. */
      enabled: z.boolean().default(true),
      /** How long a silence lasts from the acknowledgement. */
      expiryMs: z
        .number()
        .int()
        .min(60_000)
        .max(90 * 24 * 3600_000)
        .default(4 * 3600_000),
      /** The silence comment when the acknowledgement has none. */
      comment: z.string().min(1).max(1024).default('Acknowledged in Tocsin'),
      /** How often alerts Tocsin silenced are checked against Alertmanager (their resolves are muted); 0 disables. */
      reconcileMs: z.number().int().min(0).default(30_000),
      /** How long a silenced alert must be missing from Alertmanager before it is recorded as resolved. */
      resolveMissingAfterMs: z.number().int().min(0).default(180_000),
      /** Where silence ids are kept (SQLite). Absent: beside the journal, `<journal>.silences.sqlite`. */
      statePath: z.string().optional(),
    })
    .prefault({}),
});
export type AlertmanagerConfig = z.output<typeof AlertmanagerConfigSchema>;
export type AlertmanagerConfigInput = z.input<typeof AlertmanagerConfigSchema>;
