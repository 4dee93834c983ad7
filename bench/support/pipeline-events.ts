/** The events bench/pipeline.ts and bench/pipeline-ceiling.ts commit: 20,000 alerts firing again and again. */
import type { AlertEvent } from '../../common/protocol/alert.js';

/**
 * When the events happened: a day before the run (on the hour). The gateway trims events older
 * than its replay window (7 days by default) by when they happened, so a fixed date rots: once
 * it is a week old, the gateway answers the resume with a snapshot and no event is replayed.
 */
export const PIPELINE_EPOCH = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;

export const pipelineEvent = (i: number): AlertEvent => ({
  kind: 'fired',
  alertId: `bench-${i % 20_000}`,
  source: 'bench',
  at: PIPELINE_EPOCH + i,
  alert: {
    title: `Error-rate spike on web-${i % 20}`,
    body: '5xx rate is 7.5% (threshold 2%).',
    severity: 'high',
    category: 'outage',
    host: `web-${i % 20}`,
    labels: { env: 'prod', team: 'web' },
    startsAt: PIPELINE_EPOCH,
  },
});
