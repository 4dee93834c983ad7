/**
 * The alert events the benchmarks publish: what a storm sends, an error-rate spike on one of 20
 * web hosts, for a bounded set of alerts firing again and again (or each a new alert).
 */
import type { AlertEvent } from '../../common/protocol/alert.js';

/**
 * When the events happened: a day before the run (on the hour). The gateway trims events older
 * than its replay window (7 days by default) by when they happened, so a fixed date rots: once
 * it is a week old, the gateway answers the resume with a snapshot and no event is replayed.
 */
export const PIPELINE_EPOCH = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;

export type BenchEventOptions = {
  /** How many distinct alerts the events cycle through; undefined: every event is a new alert. */
  alerts?: number;
  /** When the gateway accepted it (default: PIPELINE_EPOCH + i). */
  at?: number;
  /** When the condition began (default: PIPELINE_EPOCH). */
  startsAt?: number;
  labels?: Record<string, string>;
};

/** Event number `i`. */
export function benchEvent(i: number, options: BenchEventOptions = {}): AlertEvent {
  return {
    kind: 'fired',
    alertId: `bench-${options.alerts === undefined ? i : i % options.alerts}`,
    source: 'bench',
    at: options.at ?? PIPELINE_EPOCH + i,
    alert: {
      title: `Error-rate spike on web-${i % 20}`,
      body: '5xx rate is 7.5% (threshold 2%).',
      severity: 'high',
      category: 'outage',
      host: `web-${i % 20}`,
      labels: options.labels ?? { env: 'prod', team: 'web' },
      startsAt: options.startsAt ?? PIPELINE_EPOCH,
    },
  };
}

/** The events bench/pipeline.ts and bench/pipeline-ceiling.ts commit: 20,000 alerts firing again and again. */
export const pipelineEvent = (i: number): AlertEvent => benchEvent(i, { alerts: 20_000 });
