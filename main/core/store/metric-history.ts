/**
 * Metric history for the dashboards' chart windows (5 min, 1 h, 24 h). Samples are
 * downsampled on the way in to one bucket per series per 10 s (count, sum, min, max, last),
 * accumulated in memory and written in one small transaction every few seconds, so a metric
 * storm never competes with alert commits (metrics are latest-value-wins).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { MetricPoint, MetricRange, MetricSeriesInfo } from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';

/** Width of a stored bucket. */
export const METRIC_BUCKET_MS = 10_000;
/** How long buckets are kept: the longest chart window (24 h) plus a margin. */
export const METRIC_RETENTION_MS = 26 * 3600_000;
/** Charts want a few hundred points, whatever the window. */
const TARGET_POINTS = 360;

type Bucket = { n: number; sum: number; min: number; max: number; last: number; lastT: number };

/** Accumulates samples per (series, 10 s bucket) and writes them periodically. */
export class MetricRecorder {
  private buckets = new Map<string, { series: string; bucket: number; agg: Bucket }>();
  private latest = new Map<string, MetricSample>();
  private timer: TimerHandle | null = null;
  private readonly upsertBucket: Statement;
  private readonly upsertSeries: Statement;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly flushMs = 2_000,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.upsertBucket = db.prepare(`
      INSERT INTO metric_buckets (series, bucket, n, sum, min, max, last) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (series, bucket) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum,
        min = MIN(min, excluded.min), max = MAX(max, excluded.max), last = excluded.last`);
    this.upsertSeries = db.prepare(`
      INSERT INTO metric_series (series, metric, host, service, unit, last_t, last_value) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (series) DO UPDATE SET metric = excluded.metric, host = excluded.host, service = excluded.service,
        unit = excluded.unit, last_t = excluded.last_t, last_value = excluded.last_value WHERE excluded.last_t >= last_t`);
  }

  /** Take samples in (no I/O now). */
  record(samples: readonly MetricSample[]): void {
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      const bucket = Math.floor(sample.t / METRIC_BUCKET_MS) * METRIC_BUCKET_MS;
      const key = `${sample.series}\u0000${bucket}`;
      const entry = this.buckets.get(key);
      if (!entry)
        this.buckets.set(key, {
          series: sample.series,
          bucket,
          agg: { n: 1, sum: sample.value, min: sample.value, max: sample.value, last: sample.value, lastT: sample.t },
        });
      else {
        const a = entry.agg;
        a.n++;
        a.sum += sample.value;
        a.min = Math.min(a.min, sample.value);
        a.max = Math.max(a.max, sample.value);
        if (sample.t >= a.lastT) [a.last, a.lastT] = [sample.value, sample.t];
      }
      const previous = this.latest.get(sample.series);
      if (!previous || sample.t >= previous.t) this.latest.set(sample.series, sample);
    }
    this.timer ??= this.clock.setTimeout(() => this.flush(), this.flushMs);
  }

  /** Write what has accumulated. A failed write (full disk) loses only these chart points, and says so. */
  flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.buckets.size === 0 && this.latest.size === 0) return;
    const buckets = [...this.buckets.values()];
    const latest = [...this.latest.values()];
    this.buckets = new Map();
    this.latest = new Map();
    try {
      this.db.transaction(() => {
        for (const { series, bucket, agg } of buckets)
          this.upsertBucket.run(series, bucket, agg.n, agg.sum, agg.min, agg.max, agg.last);
        for (const s of latest)
          this.upsertSeries.run(s.series, s.metric, s.host ?? null, s.service ?? null, s.unit ?? null, s.t, s.value);
      })();
    } catch (error) {
      // Metrics are not journaled by the gateway: they cannot be replayed, and alerts come first.
      this.log(`metric history: dropped ${buckets.length} chart points: ${(error as Error).message}`);
    }
  }
}

/** Every series the history knows, with its latest value. */
export function metricSeries(db: Database): MetricSeriesInfo[] {
  const rows = db
    .prepare('SELECT series, metric, host, service, unit, last_t, last_value FROM metric_series ORDER BY series')
    .all() as Array<{
    series: string;
    metric: string;
    host: string | null;
    service: string | null;
    unit: string | null;
    last_t: number;
    last_value: number;
  }>;
  return rows.map((r) => ({
    series: r.series,
    metric: r.metric,
    lastT: r.last_t,
    lastValue: r.last_value,
    ...(r.host !== null ? { host: r.host } : {}),
    ...(r.service !== null ? { service: r.service } : {}),
    ...(r.unit !== null ? { unit: r.unit } : {}),
  }));
}

/** The step that gives a chart about TARGET_POINTS points over [from, to): a whole number of buckets. */
export function stepFor(from: number, to: number): number {
  return Math.max(1, Math.ceil((to - from) / TARGET_POINTS / METRIC_BUCKET_MS)) * METRIC_BUCKET_MS;
}

/** Points of the named series in [from, to), averaged (with min and max) per step. */
export function metricRange(db: Database, series: readonly string[], from: number, to: number): MetricRange {
  const stepMs = stepFor(from, to);
  const query = db.prepare<
    [number, string, number, number],
    { t: number; n: number; sum: number; min: number; max: number }
  >(`
    SELECT bucket - (bucket % ?) AS t, SUM(n) AS n, SUM(sum) AS sum, MIN(min) AS min, MAX(max) AS max
    FROM metric_buckets WHERE series = ? AND bucket >= ? AND bucket < ? GROUP BY 1 ORDER BY 1`);
  // `%` works on integers in SQLite whatever type the parameter is bound as.
  const floorFrom = Math.floor(from / METRIC_BUCKET_MS) * METRIC_BUCKET_MS;
  return {
    stepMs,
    series: series.map((name) => ({
      series: name,
      points: query
        .all(stepMs, name, floorFrom, to)
        .map((r): MetricPoint => ({ t: r.t, avg: r.sum / r.n, min: r.min, max: r.max })),
    })),
  };
}

/** Drop buckets older than `before`, and series not heard of since. */
export function pruneMetrics(db: Database, before: number): number {
  const dropped = db.prepare('DELETE FROM metric_buckets WHERE bucket < ?').run(before).changes;
  db.prepare('DELETE FROM metric_series WHERE last_t < ?').run(before);
  return dropped;
}
