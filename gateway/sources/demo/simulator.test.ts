/** The demo simulator on a manual clock: ten simulated minutes in milliseconds of test time. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import type { EventSink, SinkEntry } from '../sink.js';
import { demoHosts } from './estate.js';
import { DemoSimulator } from './simulator.js';

/** Run a simulator for `seconds` of simulated time; returns what it published. */
async function run(options: { seed: number; stormPerMinute?: number }, seconds: number) {
  const clock = new ManualClock(1_800_000_000_000);
  const events: Array<{ t: number; event: AlertEvent }> = [];
  const metrics: MetricSample[][] = [];
  const sink: EventSink = {
    publish: async (entries: readonly SinkEntry[]) =>
      entries.map((e) => (events.push({ t: clock.now(), event: e.event }), events.length)),
    publishMetrics: (samples) => void metrics.push([...samples]),
    alertState: () => undefined,
  };
  const simulator = new DemoSimulator(
    { hosts: 20, stormPerMinute: options.stormPerMinute ?? 0, seed: options.seed },
    clock,
  );
  await simulator.start(sink);
  const start = clock.now();
  for (let ms = 0; ms < seconds * 1000; ms += 100) {
    clock.advance(100);
    await new Promise((r) => setImmediate(r)); // let the async tick publish and schedule the next one
  }
  await simulator.stop();
  return { events, metrics, start };
}

describe('demo simulator', () => {
  it('looks like an estate of twenty named hosts', () => {
    const names = demoHosts(20).map((h) => h.name);
    expect(new Set(names).size).toBe(20);
    expect(names).toEqual(expect.arrayContaining(['web-01', 'api-01', 'db-01', 'cache-01', 'queue-01', 'edge-01']));
  });

  it('fires its first alert within a second, then sends metrics for every host every second', async () => {
    const { events, metrics, start } = await run({ seed: 1 }, 5);
    expect(events[0]!.event.kind).toBe('fired');
    expect(events[0]!.t - start).toBeLessThanOrEqual(1_000);
    expect(metrics.length).toBeGreaterThanOrEqual(4);
    expect(metrics[0]).toHaveLength(100); // 20 hosts × cpu, memory, requests, latency_p95, error_rate
    expect(new Set(metrics[0]!.map((s) => s.metric))).toEqual(
      new Set(['cpu', 'memory', 'requests', 'latency_p95', 'error_rate']),
    );
    for (const sample of metrics.flat()) expect(Number.isFinite(sample.value)).toBe(true);
  });

  it('raises outage, security and warning alerts that each resolve later, never resolving what did not fire', async () => {
    const { events } = await run({ seed: 7 }, 900);
    const firing = new Set<string>();
    const categories = new Set<string>();
    const severities = new Set<string>();
    let resolves = 0;
    for (const { event } of events) {
      if (event.kind === 'fired') {
        firing.add(event.alertId);
        categories.add(event.alert.category);
        severities.add(event.alert.severity);
      } else if (event.kind === 'resolved') {
        expect(firing.delete(event.alertId), `${event.alertId} resolved without firing`).toBe(true);
        resolves++;
      }
    }
    expect([...categories]).toEqual(expect.arrayContaining(['outage', 'security']));
    expect([...severities]).toEqual(expect.arrayContaining(['warning', 'critical']));
    expect(resolves).toBeGreaterThan(20);
  });

  it('is deterministic for a seed', async () => {
    const strip = (r: Awaited<ReturnType<typeof run>>) => r.events.map((e) => e.event);
    expect(strip(await run({ seed: 3 }, 60))).toEqual(strip(await run({ seed: 3 }, 60)));
  });

  it('adds storm alerts at the configured rate', async () => {
    const { events } = await run({ seed: 5, stormPerMinute: 6_000 }, 10);
    const storm = events.filter((e) => e.event.kind === 'fired' && e.event.alertId.includes(':storm-')).length;
    expect(storm).toBeGreaterThanOrEqual(900); // 100 a second for the ~9.7 s after the first tick
    expect(storm).toBeLessThanOrEqual(1_000);
  });
});
