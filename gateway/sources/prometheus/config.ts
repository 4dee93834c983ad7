/** `prometheus` in the gateway configuration (optional): PromQL queries polled for the dashboards. */
import { z } from 'zod';

export const PrometheusQuerySchema = z.strictObject({
  /** The metric name the dashboards show (cpu, memory, requests, latency_p95, error_rate fill the standard views). */
  name: z.string().min(1).max(128),
  promql: z.string().min(1).max(8192),
  unit: z.string().max(32).optional(),
});

export const PrometheusConfigSchema = z.strictObject({
  /** Prometheus's base URL, e.g. http://127.0.0.1:9090. */
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as `Authorization: Bearer …`, if Prometheus sits behind a proxy that wants one. */
  apiToken: z.string().optional(),
  intervalMs: z.number().int().min(200).default(15_000),
  timeoutMs: z.number().int().positive().default(5_000),
  /** Series kept per query per poll; the rest are dropped and counted. */
  maxSeriesPerQuery: z.number().int().positive().max(10_000).default(1_000),
  queries: z.array(PrometheusQuerySchema).min(1).max(100),
});
export type PrometheusConfig = z.output<typeof PrometheusConfigSchema>;
export type PrometheusConfigInput = z.input<typeof PrometheusConfigSchema>;
export type PrometheusQuery = z.output<typeof PrometheusQuerySchema>;
