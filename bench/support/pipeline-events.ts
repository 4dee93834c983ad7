/** The events bench/pipeline.ts and bench/pipeline-ceiling.ts commit: 20,000 alerts firing again and again. */
import type { AlertEvent } from '../../common/protocol/alert.js';

export const pipelineEvent = (i: number): AlertEvent => ({
  kind: 'fired', alertId: `bench-${i % 20_000}`, source: 'bench', at: 1_795_000_000_000 + i,
  alert: { title: `Error-rate spike on web-${i % 20}`, body: '5xx rate is 7.5% (threshold 2%).', severity: 'high', category: 'outage', host: `web-${i % 20}`, labels: { env: 'prod', team: 'web' }, startsAt: 1_795_000_000_000 },
});
