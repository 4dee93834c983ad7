/**
 * `grafana` in the gateway configuration (optional): Grafana-managed alerts from Grafana's
 * webhook contact point at `POST /v1/grafana`.
 */
import { z } from 'zod';
import { LabelMappingSchema } from '../alertmanager/mapping.js';
import { IntervalSchema } from '../heartbeat/install.js';

export const GrafanaConfigSchema = z.strictObject({
  /** Bearer tokens Grafana presents (the contact point's Authorization header). Absent: the gateway's `tokens`. */
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  /** Labels → severity and category, exactly as for Alertmanager. */
  mapping: LabelMappingSchema.prefault({}),
  /** An always-firing Grafana rule taken as the dead-man's switch (never journaled). */
  heartbeat: z
    .strictObject({ alertname: z.string().min(1).default('Watchdog'), intervalMs: IntervalSchema })
    .optional(),
});
export type GrafanaConfig = z.output<typeof GrafanaConfigSchema>;
