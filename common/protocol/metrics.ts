/**
 * Metric samples for the live dashboards. Metrics are latest-value-wins: a console that
 * falls behind gets the newest values, never a queue of stale ones.
 */
import { z } from 'zod';

export const METRIC_NAMES = ['cpu', 'memory', 'requests', 'latency_p95', 'error_rate'] as const;

/** One sample of one series. `series` is `host/service/metric` or a PromQL query's label set. */
export const MetricSampleSchema = z.object({
  series: z.string().min(1).max(512),
  metric: z.string().min(1).max(128),
  host: z.string().max(256).optional(),
  service: z.string().max(256).optional(),
  unit: z.string().max(32).optional(),
  t: z.number().int().nonnegative(),
  value: z.number(),
});
export type MetricSample = z.infer<typeof MetricSampleSchema>;
