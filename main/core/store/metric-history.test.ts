import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import { AlertStore } from './alert-store.js';
import {
  METRIC_BUCKET_MS,
  MetricRecorder,
  metricRange,
  metricSeries,
  pruneMetrics,
  stepFor,
} from './metric-history.js';

const T0 = 1_800_000_000_000; // a multiple of 10 s
const sample = (series: string, t: number, value: number): MetricSample => ({
  series,
  metric: 'cpu',
  host: 'web-01',
  unit: '%',
  t,
  value,
});
const open = () => AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-metrics-')), 'history.sqlite'));

describe('metric history', () => {
  it('downsamples to 10 s buckets in memory and writes them on the timer, not per sample', () => {
    const store = open();
    const clock = new ManualClock(T0);
    const recorder = new MetricRecorder(store.db, clock, 2_000);
    recorder.record([
      sample('web-01/cpu', T0, 10),
      sample('web-01/cpu', T0 + 5_000, 30),
      sample('web-01/cpu', T0 + 12_000, 50),
    ]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM metric_buckets').get()).toEqual({ n: 0 });
    clock.advance(2_000);
    expect(store.db.prepare('SELECT bucket, n, sum, min, max, last FROM metric_buckets ORDER BY bucket').all()).toEqual(
      [
        { bucket: T0, n: 2, sum: 40, min: 10, max: 30, last: 30 },
        { bucket: T0 + METRIC_BUCKET_MS, n: 1, sum: 50, min: 50, max: 50, last: 50 },
      ],
    );
    // A later flush into the same bucket merges rather than replacing.
    recorder.record([sample('web-01/cpu', T0 + 15_000, 70)]);
    recorder.flush();
    expect(
      store.db.prepare('SELECT n, sum, min, max, last FROM metric_buckets WHERE bucket = ?').get(T0 + METRIC_BUCKET_MS),
    ).toEqual({ n: 2, sum: 120, min: 50, max: 70, last: 70 });
    expect(metricSeries(store.db)).toEqual([
      { series: 'web-01/cpu', metric: 'cpu', host: 'web-01', unit: '%', lastT: T0 + 15_000, lastValue: 70 },
    ]);
    store.close();
  });

  it('serves 5 min, 1 h and 24 h windows at about 360 points or fewer, averaged with extremes', () => {
    expect([stepFor(0, 5 * 60_000), stepFor(0, 3600_000), stepFor(0, 86_400_000)]).toEqual([10_000, 10_000, 240_000]);
    const store = open();
    const recorder = new MetricRecorder(store.db, new ManualClock(T0));
    // One sample per second for a day of one series: 86,400 samples become 8,640 buckets.
    for (let s = 0; s < 86_400; s += 600)
      recorder.record(Array.from({ length: 600 }, (_, i) => sample('a', T0 + (s + i) * 1000, (s + i) % 100)));
    recorder.flush();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM metric_buckets').get()).toEqual({ n: 8_640 });
    const day = metricRange(store.db, ['a', 'missing'], T0, T0 + 86_400_000);
    expect(day.stepMs).toBe(240_000);
    expect(day.series[0]!.points).toHaveLength(360);
    expect(day.series[0]!.points[0]).toEqual({ t: T0, avg: 44.5, min: 0, max: 99 }); // 240 samples: 0-99, 0-99, 0-39
    expect(day.series[1]).toEqual({ series: 'missing', points: [] });
    const fiveMinutes = metricRange(store.db, ['a'], T0 + 3600_000, T0 + 3900_000);
    expect(fiveMinutes.series[0]!.points).toHaveLength(30);
    expect(fiveMinutes.series[0]!.points[0]).toEqual({ t: T0 + 3600_000, avg: 4.5, min: 0, max: 9 });
    store.close();
  });

  it('prunes buckets and silent series older than the retention', () => {
    const store = open();
    const recorder = new MetricRecorder(store.db, new ManualClock(T0));
    recorder.record([sample('old', T0, 1), sample('new', T0 + 100_000, 2)]);
    recorder.flush();
    expect(pruneMetrics(store.db, T0 + 50_000)).toBe(1);
    expect(metricSeries(store.db).map((s) => s.series)).toEqual(['new']);
    store.close();
  });

  it('a failed write (full disk) drops only those chart points and says so', () => {
    const store = open();
    const logged: string[] = [];
    const recorder = new MetricRecorder(store.db, new ManualClock(T0), 2_000, (m) => logged.push(m));
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true })}`);
    recorder.record(Array.from({ length: 5_000 }, (_, i) => sample(`s${i}-${'x'.repeat(200)}`, T0, i)));
    expect(() => recorder.flush()).not.toThrow();
    expect(logged[0]).toMatch(/dropped 5000 chart points: database or disk is full/);
    store.close();
  });
});
