/**
 * The Prometheus poller: every `intervalMs`, each configured PromQL query is run through
 * /api/v1/query and every element of the answer becomes a MetricSample (series from the
 * labels, host from `instance`, service from `job`), published in one batch per poll
 * (metrics are latest-value-wins, so one batch keeps queries from replacing each other).
 * A failing query is counted and logged with its name; it never stops the poller. In a cluster
 * only the leader polls (`shouldPoll`): the others wait their turn at each interval.
 */
import { z } from 'zod';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import type { EventSink, EventSource } from '../sink.js';
import type { PrometheusConfig, PrometheusQuery } from './config.js';
import { errorMessage, parseBoundedJson } from '../../../common/protocol/bounded-json.js';
import { describeZodIssue } from '../../../common/zod-issue.js';

const LabelSet = z.record(z.string(), z.string());
const Value = z.tuple([z.number(), z.string()]);
const QueryResponseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: LabelSet, value: Value })) }),
      z.object({ resultType: z.literal('scalar'), result: Value }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

export type PollerStats = {
  polls: number;
  samples: number;
  /** Failures per query name. */
  failures: Record<string, number>;
  /** Series dropped over maxSeriesPerQuery, per query name. */
  dropped: Record<string, number>;
  lastError?: string;
};

export type PollerDeps = {
  log?: (message: string) => void;
  /** Whether to poll now (in a cluster, only its leader polls); polls always when absent. */
  shouldPoll?: () => boolean;
};

/** `name{a="1",b="2"}`: a stable series key from a query name and an element's labels. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .filter((key) => key !== '__name__')
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  const key = parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
  return key.length <= 512 ? key : `${key.slice(0, 511)}…`;
}

/** The samples of one query's answer (throws with the reason if it is not usable). */
export function samplesOf(
  query: PrometheusQuery,
  answer: unknown,
  maxSeries: number,
): { samples: MetricSample[]; dropped: number } {
  const parsed = QueryResponseSchema.safeParse(answer);
  if (!parsed.success) throw new Error(`unexpected answer: ${describeZodIssue(parsed.error, '(answer)')}`);
  if (parsed.data.status === 'error')
    throw new Error(`${parsed.data.errorType ?? 'error'}: ${parsed.data.error ?? 'no reason given'}`);
  const data = parsed.data.data;
  const unit = query.unit === undefined ? {} : { unit: query.unit };
  const sample = (labels: Record<string, string>, [seconds, text]: [number, string]): MetricSample | undefined => {
    const value = Number(text);
    if (!Number.isFinite(value)) return undefined; // NaN and ±Inf have no place on a chart (nor in JSON)
    return {
      series: seriesKey(query.name, labels),
      metric: query.name,
      ...(labels.instance ? { host: labels.instance.slice(0, 256) } : {}),
      ...(labels.job ? { service: labels.job.slice(0, 256) } : {}),
      ...unit,
      t: Math.round(seconds * 1000),
      value,
    };
  };
  if (data.resultType === 'scalar') {
    const one = sample({}, data.result);
    return { samples: one ? [one] : [], dropped: 0 };
  }
  if (data.resultType !== 'vector')
    throw new Error(`result type ${data.resultType} is not an instant vector or scalar`);
  const kept = data.result.slice(0, maxSeries);
  return {
    samples: kept.flatMap((element) => sample(element.metric, element.value) ?? []),
    dropped: data.result.length - kept.length,
  };
}

export class PrometheusPoller implements EventSource {
  readonly name = 'prometheus';
  readonly stats: PollerStats = { polls: 0, samples: 0, failures: {}, dropped: {} };
  private sink: EventSink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  private readonly lastLogged = new Map<string, string>();

  constructor(
    private readonly config: PrometheusConfig,
    private readonly deps: PollerDeps = {},
  ) {}

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.inFlight;
  }

  /** One poll of every query; resolves when its samples are published. */
  async pollOnce(): Promise<MetricSample[]> {
    const results = await Promise.all(this.config.queries.map((query) => this.run(query)));
    const samples = results.flat().slice(0, 10_000); // one metrics frame holds at most 10,000
    this.stats.polls += 1;
    this.stats.samples += samples.length;
    if (samples.length > 0 && !this.stopped) this.sink?.publishMetrics(samples);
    return samples;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (this.deps.shouldPoll?.() === false) return this.schedule(this.config.intervalMs);
      const started = Date.now();
      this.inFlight = this.pollOnce().then(
        () => this.schedule(Math.max(0, this.config.intervalMs - (Date.now() - started))),
        () => this.schedule(this.config.intervalMs),
      );
    }, delayMs);
    this.timer.unref();
  }

  private async run(query: PrometheusQuery): Promise<MetricSample[]> {
    try {
      const url = new URL('/api/v1/query', this.config.url);
      const headers: Record<string, string> = {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      };
      if (this.config.apiToken) headers.authorization = `Bearer ${this.config.apiToken}`;
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ query: query.promql }).toString(),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.timeoutMs)]),
      });
      const text = await response.text();
      const json = parseBoundedJson(text);
      if (!json.ok)
        throw new Error(
          json.code === 'malformed_json'
            ? `HTTP ${response.status}: ${text.trim().slice(0, 200)}`
            : `HTTP ${response.status}: answer refused: ${json.message}`,
        );
      const { samples, dropped } = samplesOf(query, json.value, this.config.maxSeriesPerQuery);
      if (dropped > 0) this.stats.dropped[query.name] = (this.stats.dropped[query.name] ?? 0) + dropped;
      if (this.lastLogged.delete(query.name)) this.deps.log?.(`prometheus query ${query.name}: recovered`);
      return samples;
    } catch (error) {
      if (this.stopped) return [];
      const message = errorMessage(error);
      this.stats.failures[query.name] = (this.stats.failures[query.name] ?? 0) + 1;
      this.stats.lastError = `${query.name}: ${message}`;
      // Logged when the reason changes, not once per poll.
      if (this.lastLogged.get(query.name) !== message) {
        this.lastLogged.set(query.name, message);
        this.deps.log?.(
          `prometheus query ${query.name} failed (${this.stats.failures[query.name]} so far): ${message}`,
        );
      }
      return [];
    }
  }
}
