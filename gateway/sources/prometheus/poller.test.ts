import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import { MetricsFrameSchema } from '../../../common/protocol/frames.js';
import {
  FeedProbe,
  freePort,
  startRealMonitoring,
  type RealMonitoring,
} from '../../../tests/support/real-monitoring.js';
import { startGateway, type Gateway } from '../../gateway.js';
import { samplesOf, seriesKey } from './poller.js';

const TOKEN = 'console-token-0123456789';
const journal = () => ({ path: join(mkdtempSync(join(tmpdir(), 'tocsin-prom-')), 'journal.sqlite') });

describe('PromQL answers → metric samples', () => {
  const query = { name: 'cpu', promql: 'x', unit: '%' };

  it('turns each vector element into a sample: series from labels, host from instance, service from job', () => {
    const answer = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          {
            metric: { __name__: 'node_cpu', instance: 'web-1:9100', job: 'node', mode: 'idle' },
            value: [1_700_000_000.25, '12.5'],
          },
          { metric: {}, value: [1_700_000_000.25, 'NaN'] },
          { metric: { instance: 'web-2:9100' }, value: [1_700_000_000.25, '+Inf'] },
        ],
      },
    };
    expect(samplesOf(query, answer, 100)).toEqual({
      samples: [
        {
          series: 'cpu{instance="web-1:9100",job="node",mode="idle"}',
          metric: 'cpu',
          host: 'web-1:9100',
          service: 'node',
          unit: '%',
          t: 1_700_000_000_250,
          value: 12.5,
        },
      ],
      dropped: 0,
    });
  });

  it('takes a scalar, caps series, and refuses errors and matrices with the reason', () => {
    expect(
      samplesOf(query, { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }, 10).samples,
    ).toEqual([{ series: 'cpu', metric: 'cpu', unit: '%', t: 1000, value: 3 }]);
    const many = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: Array.from({ length: 5 }, (_, i) => ({ metric: { i: `${i}` }, value: [1, '1'] })),
      },
    };
    expect(samplesOf(query, many, 3)).toMatchObject({ dropped: 2, samples: { length: 3 } });
    expect(() => samplesOf(query, { status: 'error', errorType: 'bad_data', error: 'parse error' }, 10)).toThrow(
      'bad_data: parse error',
    );
    expect(() => samplesOf(query, { status: 'success', data: { resultType: 'matrix', result: [] } }, 10)).toThrow(
      'matrix',
    );
    expect(() => samplesOf(query, '<html>', 10)).toThrow('unexpected answer');
  });

  it('keys series stably, whatever the label order', () => {
    expect(seriesKey('m', { b: '2', a: '1' })).toBe(seriesKey('m', { a: '1', b: '2' }));
    expect(seriesKey('m', { a: 'x'.repeat(600) }).length).toBe(512);
  });
});

describe('Prometheus poller against an unreachable Prometheus', () => {
  it('counts and logs failures by query name and keeps the gateway serving', async () => {
    const logs: string[] = [];
    const g = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [TOKEN],
        journal: journal(),
        prometheus: {
          url: `http://127.0.0.1:${await freePort()}`,
          intervalMs: 200,
          timeoutMs: 500,
          queries: [{ name: 'cpu', promql: 'up' }],
        },
      },
      { log: (line) => logs.push(line) },
    );
    try {
      const deadline = Date.now() + 5_000;
      while ((g.prometheus!.stats.failures.cpu ?? 0) < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(g.prometheus!.stats.failures.cpu).toBeGreaterThanOrEqual(3);
      expect(logs.filter((line) => line.startsWith('prometheus query cpu failed'))).toHaveLength(1); // once per distinct reason
      expect((await fetch(`http://127.0.0.1:${g.port}/healthz`)).status).toBe(200);
    } finally {
      await g.close();
    }
  });
});

describe('Prometheus poller against real Prometheus and node_exporter', () => {
  let monitoring: RealMonitoring | undefined;
  let g: Gateway | undefined;
  let probe: FeedProbe | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    monitoring = await startRealMonitoring();
    g = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [TOKEN],
        journal: journal(),
        prometheus: {
          url: monitoring.prometheusUrl,
          intervalMs: 300,
          queries: [
            {
              name: 'memory',
              promql: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
              unit: '%',
            },
            { name: 'load1', promql: 'node_load1' },
            { name: 'broken', promql: 'sum(' },
          ],
        },
      },
      { log: (line) => logs.push(line) },
    );
    probe = await FeedProbe.open(g.url, TOKEN);
  });
  afterAll(async () => {
    await probe?.close();
    await g?.close();
    await monitoring?.stop();
  });

  it('publishes node_exporter samples that a WebSocket client receives in a metrics frame; a broken query is counted, never fatal', async () => {
    const hasMemory = (samples: MetricSample[]) =>
      samples.some((s) => s.metric === 'memory' && s.host === monitoring!.nodeExporterInstance);
    const first = await probe!.waitFor(
      (r) => r.frame.type === 'metrics' && hasMemory(r.frame.samples),
      15_000,
      'a metrics frame with node_exporter memory',
    );
    expect(MetricsFrameSchema.safeParse(first.frame).success).toBe(true);
    const samples = first.frame.type === 'metrics' ? first.frame.samples : [];
    const memory = samples.find((s) => s.metric === 'memory')!;
    expect(memory).toMatchObject({
      series: `memory{instance="${monitoring!.nodeExporterInstance}",job="node"}`,
      service: 'node',
      unit: '%',
    });
    expect(memory.value).toBeGreaterThan(0);
    expect(memory.value).toBeLessThan(100);
    expect(Math.abs(memory.t - Date.now())).toBeLessThan(10_000);
    expect(samples.some((s) => s.metric === 'load1' && s.host === monitoring!.nodeExporterInstance)).toBe(true);
    // Polling goes on: a later frame with fresh values arrives, and the broken query is counted and logged by name.
    await probe!.waitFor(
      (r) => r.frame.type === 'metrics' && r.at > first.at && hasMemory(r.frame.samples),
      5_000,
      'a second metrics frame',
    );
    expect(g!.prometheus!.stats.failures.broken).toBeGreaterThanOrEqual(2);
    expect(g!.prometheus!.stats.failures.memory).toBeUndefined();
    expect(logs.some((line) => /^prometheus query broken failed .*bad_data/.test(line))).toBe(true);
  });

  it('accepts every query of the example configuration (gateway/examples/monitoring.json) as valid PromQL', async () => {
    const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/monitoring.json'), 'utf8')) as {
      prometheus: { queries: Array<{ name: string; promql: string }> };
    };
    for (const { name, promql } of example.prometheus.queries) {
      const response = await fetch(
        `${monitoring!.prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`,
      );
      const body = (await response.json()) as { status: string; error?: string };
      expect({ name, status: body.status, error: body.error }).toEqual({ name, status: 'success', error: undefined });
    }
    // The node_exporter ones answer with this machine's figures.
    expect(
      await monitoring!.query(example.prometheus.queries.find((q) => q.name === 'memory')!.promql),
    ).not.toHaveLength(0);
  });
});
