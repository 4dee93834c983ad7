/**
 * The demo simulator: metrics every second for every host, and alerts that fire and later
 * resolve, as a real estate would produce them. The first alert fires within a second of
 * start, so a fresh console is alive at once. Storm mode adds a configurable alert rate.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import type { EventSink, EventSource, SinkEntry } from '../sink.js';
import { demoHosts, pickTemplate, seededRandom, type DemoHost } from './estate.js';

export type DemoOptions = { hosts: number; stormPerMinute: number; seed: number };

const TICK_MS = 1_000;
const FIRST_ALERT_MS = 300;

export class DemoSimulator implements EventSource {
  readonly name = 'demo';
  private readonly random: () => number;
  private readonly hosts: DemoHost[];
  private readonly levels = new Map<string, number>();
  /** Firing demo alerts and when each resolves. */
  private readonly firing = new Map<string, number>();
  private sink: EventSink | null = null;
  private timer: TimerHandle | null = null;
  private stormSerial = 0;
  /** Storm alerts owed but not yet fired (fractions carry over), and when the last tick ran. */
  private stormOwed = 0;
  private lastTick: number | null = null;

  constructor(
    private readonly options: DemoOptions,
    private readonly clock: Clock,
  ) {
    this.random = seededRandom(options.seed);
    this.hosts = demoHosts(options.hosts);
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.timer = this.clock.setTimeout(() => void this.fireFirst(), FIRST_ALERT_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.sink = null;
  }

  private async fireFirst(): Promise<void> {
    await this.publish([this.fire()]);
    this.schedule();
  }

  private schedule(): void {
    if (!this.sink) return;
    this.timer = this.clock.setTimeout(() => void this.tick().finally(() => this.schedule()), TICK_MS);
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    this.sink?.publishMetrics(this.metrics(now));
    const entries: SinkEntry[] = [];
    for (const [alertId, until] of this.firing) {
      if (until <= now) {
        this.firing.delete(alertId);
        entries.push({ event: { kind: 'resolved', alertId, source: 'demo', at: now, endsAt: now } });
      }
    }
    // About one new alert every eight seconds when calm: a living console, not a noisy one.
    if (this.random() < 0.12) entries.push(this.fire());
    // The storm follows the wall clock, not the tick count: a slow tick owes more alerts.
    this.stormOwed += (this.options.stormPerMinute * (now - (this.lastTick ?? now - TICK_MS))) / 60_000;
    this.lastTick = now;
    for (; this.stormOwed >= 1; this.stormOwed--) entries.push(this.fire(`storm-${++this.stormSerial}`));
    await this.publish(entries);
  }

  private fire(stormKey?: string): SinkEntry {
    const now = this.clock.now();
    const template = pickTemplate(this.random);
    const host = this.hosts[Math.floor(this.random() * this.hosts.length)]!;
    const alertId = `demo:${template.key}:${host.name}${stormKey ? `:${stormKey}` : ''}`;
    const [min, max] = template.lasts;
    this.firing.set(alertId, now + (min + this.random() * (max - min)) * 1000);
    const event: AlertEvent = {
      kind: 'fired',
      alertId,
      source: 'demo',
      at: now,
      alert: {
        title: template.title(host),
        body: template.body(host, this.random),
        severity: template.severity,
        category: template.category,
        host: host.name,
        service: host.service,
        startsAt: now,
        labels: { alertname: template.key, instance: host.name, service: host.service, role: host.role, env: 'demo' },
      },
    };
    return { event };
  }

  private metrics(t: number): MetricSample[] {
    const samples: MetricSample[] = [];
    for (const host of this.hosts) {
      const walk = (metric: string, start: number, step: number, min: number, max: number) => {
        const key = `${host.name}/${metric}`;
        const value = Math.min(max, Math.max(min, (this.levels.get(key) ?? start) + (this.random() - 0.5) * step));
        this.levels.set(key, value);
        return value;
      };
      const base = { host: host.name, service: host.service, t };
      samples.push(
        { ...base, series: `${host.name}/cpu`, metric: 'cpu', unit: '%', value: walk('cpu', 35, 8, 2, 100) },
        { ...base, series: `${host.name}/memory`, metric: 'memory', unit: '%', value: walk('memory', 55, 3, 10, 99) },
        {
          ...base,
          series: `${host.name}/requests`,
          metric: 'requests',
          unit: 'req/s',
          value: walk('requests', 800, 120, 0, 5000),
        },
        {
          ...base,
          series: `${host.name}/latency_p95`,
          metric: 'latency_p95',
          unit: 'ms',
          value: walk('latency_p95', 180, 30, 20, 3000),
        },
        {
          ...base,
          series: `${host.name}/error_rate`,
          metric: 'error_rate',
          unit: '%',
          value: walk('error_rate', 0.5, 0.3, 0, 50),
        },
      );
    }
    return samples;
  }

  private async publish(entries: SinkEntry[]): Promise<void> {
    if (!this.sink || entries.length === 0) return;
    // A failed journal write drops nothing silently: the simulator logs nothing else to retry,
    // so it simply fires again later; the gateway counts the failure.
    await this.sink.publish(entries).catch(() => undefined);
  }
}
