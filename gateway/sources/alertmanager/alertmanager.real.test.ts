/**
 * The Alertmanager source against the real programs: node_exporter →
 * Prometheus (a rule that fires on a textfile metric) → Alertmanager → the gateway's webhook
 * → the real journal → a real WebSocket client. The steps run in order on one estate:
 * fire, repeat deliveries, acknowledge (silence) and unacknowledge (expire), resolve, a
 * failing journal (503, retried by Alertmanager, stored once), a resolve posted with endsAt,
 * and the latency from an alert posted to Alertmanager to the WebSocket client (printed).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FeedProbe,
  freeMonitoringPorts,
  freePort,
  RULE_ALERT,
  startRealMonitoring,
  type Received,
  type RealMonitoring,
} from '../../../tests/support/real-monitoring.js';
import { startGateway, type Gateway } from '../../gateway.js';
import { until } from '../../../tests/support/until.js';

const TOKEN = 'console-token-real-0123456789';
const AM_TOKEN = 'alertmanager-token-real-0123456789';

let dir: string;
let gateway: Gateway;
let monitoring: RealMonitoring;
let probe: FeedProbe;
let amUrl: string;
const logs: string[] = [];
/** Figures printed after the run (docs/sources.md quotes them). */
const figures: Record<string, unknown> = {};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tocsin-am-real-'));
  const ports = await freeMonitoringPorts();
  const gatewayPort = await freePort();
  amUrl = `http://127.0.0.1:${ports.alertmanager}`;
  gateway = await startGateway(
    {
      listen: { host: '127.0.0.1', port: gatewayPort },
      tokens: [TOKEN],
      journal: { path: join(dir, 'journal.sqlite') },
      alertmanager: {
        tokens: [AM_TOKEN],
        url: amUrl,
        silences: { expiryMs: 3_600_000, reconcileMs: 200, resolveMissingAfterMs: 400 },
      },
    },
    { log: (message) => logs.push(message) },
  );
  monitoring = await startRealMonitoring({
    ports,
    webhook: { url: `http://127.0.0.1:${gateway.port}/v1/alertmanager`, token: AM_TOKEN },
  });
  figures.startupMs = monitoring.startup;
  probe = await FeedProbe.open(gateway.url, TOKEN);
});

afterAll(async () => {
  if (gateway?.alertmanager) figures.answers = gateway.alertmanager.stats.answers;
  console.log(`real Alertmanager figures: ${JSON.stringify(figures)}`);
  // Each part is stopped even if another fails to stop.
  const results = await Promise.allSettled([probe?.close(), monitoring?.stop()]);
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
  for (const result of results) if (result.status === 'rejected') throw result.reason;
});

type Silence = {
  id: string;
  createdBy: string;
  comment: string;
  status: { state: string };
  matchers: Array<{ name: string; value: string; isEqual?: boolean; isRegex: boolean }>;
};

const eventOf = (r: Received) => (r.frame.type === 'event' ? r.frame.event : undefined);
const eventsFor = (alertId: string) => probe.events().filter((r) => r.frame.event.alertId === alertId);
const firedNamed = (alertname: string) => (r: Received) => {
  const event = eventOf(r);
  return event?.kind === 'fired' && event.alert.labels?.alertname === alertname;
};
const amJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const response = await fetch(`${amUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
};

describe('Alertmanager → gateway → feed, with the real programs', () => {
  let fingerprint = '';

  it('the Prometheus rule fires and its alert reaches a WebSocket client with a seq, mapped', async () => {
    const raised = Date.now();
    monitoring.setCondition(1);
    const fired = await probe.waitFor(firedNamed(RULE_ALERT), 30_000, `fired ${RULE_ALERT}`);
    figures.ruleFiredAfterRaiseMs = fired.at - raised;
    const event = eventOf(fired)!;
    expect(fired.frame).toMatchObject({ type: 'event', stream: 'alerts', seq: expect.any(Number) });
    expect(event).toMatchObject({
      kind: 'fired',
      source: 'alertmanager',
      alert: {
        title: `Tocsin test condition on ${monitoring.nodeExporterInstance}`,
        body: `tocsin_test_condition is 1 on ${monitoring.nodeExporterInstance}`,
        severity: 'critical',
        category: 'outage',
        host: monitoring.nodeExporterInstance,
        service: 'node',
        labels: {
          alertname: RULE_ALERT,
          severity: 'critical',
          category: 'outage',
          instance: monitoring.nodeExporterInstance,
          job: 'node',
        },
      },
    });
    fingerprint = event.alertId;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(event.kind === 'fired' && event.alert.url).toBeUndefined(); // Prometheus's generatorURL here is http, not https
    expect(gateway.journal.alertState(fingerprint)).toMatchObject({ status: 'firing', source: 'alertmanager' });
  });

  it('repeated deliveries of the firing alert add no event ("still firing")', async () => {
    const before = gateway.alertmanager!.stats.duplicates;
    // repeat_interval is 2 s, so Alertmanager resends the same group.
    await until(() => gateway.alertmanager!.stats.duplicates >= before + 2, 20_000, 'two repeat deliveries');
    expect(eventsFor(fingerprint).map((r) => eventOf(r)!.kind)).toEqual(['fired']);
  });

  it('acknowledging creates a silence that Alertmanager lists and applies; unacknowledging expires it', async () => {
    probe.send({
      type: 'action',
      id: 'real-ack-0001',
      alertId: fingerprint,
      by: 'alice',
      request: { action: 'acknowledge', comment: 'looking into it' },
    });
    const ack = await probe.waitFor(
      (r) => r.frame.type === 'action_result' && r.frame.id === 'real-ack-0001',
      10_000,
      'ack result',
    );
    expect(ack.frame).toMatchObject({ ok: true, seq: expect.any(Number) });
    await probe.waitFor(
      (r) => eventOf(r)?.kind === 'acknowledged' && eventOf(r)?.alertId === fingerprint,
      5_000,
      'acknowledged event',
    );

    const silences = await amJson<Silence[]>('/api/v2/silences');
    // The gateway attributes actions by token: a plain console token acts as "console", whatever `by` says.
    const ours = silences.filter((s) => s.createdBy === 'console');
    expect(ours).toHaveLength(1);
    const silence = ours[0]!;
    expect(silence).toMatchObject({ comment: 'looking into it', status: { state: 'active' } });
    expect(silence.matchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alertname', value: RULE_ALERT, isRegex: false }),
        expect.objectContaining({ name: 'instance', value: monitoring.nodeExporterInstance, isRegex: false }),
      ]),
    );
    // Alertmanager itself says the real alert is silenced by it: the matchers fit exactly.
    await until(
      async () => {
        const alerts = await amJson<Array<{ fingerprint: string; status: { silencedBy: string[] } }>>('/api/v2/alerts');
        return alerts.some((a) => a.fingerprint === fingerprint && a.status.silencedBy.includes(silence.id));
      },
      10_000,
      'the alert silenced in Alertmanager',
    );

    // The silence id is persisted beside the journal.
    const store = new Database(join(dir, 'journal.sqlite.silences.sqlite'), { readonly: true });
    expect(store.prepare('SELECT silence_id FROM silences WHERE alert_id = ?').get(fingerprint)).toEqual({
      silence_id: silence.id,
    });
    store.close();

    // A second acknowledgement replaces the silence (default comment) rather than stacking another.
    probe.send({
      type: 'action',
      id: 'real-ack-0002',
      alertId: fingerprint,
      by: 'alice',
      request: { action: 'acknowledge' },
    });
    expect(
      (
        await probe.waitFor(
          (r) => r.frame.type === 'action_result' && r.frame.id === 'real-ack-0002',
          10_000,
          'second ack result',
        )
      ).frame,
    ).toMatchObject({ ok: true });
    const active = (await amJson<Silence[]>('/api/v2/silences')).filter((s) => s.status.state === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ createdBy: 'console', comment: 'Acknowledged in Tocsin' });
    expect(active[0]!.id).not.toBe(silence.id);
    expect((await amJson<Silence>(`/api/v2/silence/${silence.id}`)).status.state).toBe('expired');

    probe.send({
      type: 'action',
      id: 'real-unack-0001',
      alertId: fingerprint,
      by: 'alice',
      request: { action: 'unacknowledge' },
    });
    const unack = await probe.waitFor(
      (r) => r.frame.type === 'action_result' && r.frame.id === 'real-unack-0001',
      10_000,
      'unack result',
    );
    expect(unack.frame).toMatchObject({ ok: true });
    expect((await amJson<Silence>(`/api/v2/silence/${active[0]!.id}`)).status.state).toBe('expired');
    expect((await amJson<Silence[]>('/api/v2/silences')).filter((s) => s.status.state === 'active')).toEqual([]);
    expect(gateway.journal.alertState(fingerprint)!.acknowledged).toBeNull();
  });

  it('clearing the condition resolves the alert, once', async () => {
    const cleared = Date.now();
    monitoring.setCondition(0);
    const resolved = await probe.waitFor(
      (r) => eventOf(r)?.kind === 'resolved' && eventOf(r)?.alertId === fingerprint,
      30_000,
      'resolved',
    );
    figures.resolveAfterClearMs = resolved.at - cleared;
    expect(gateway.journal.alertState(fingerprint)).toMatchObject({ status: 'resolved' });
    expect(eventsFor(fingerprint).map((r) => eventOf(r)!.kind)).toEqual([
      'fired',
      'acknowledged',
      'acknowledged',
      'unacknowledged',
      'resolved',
    ]);
  });

  it('a failing journal answers 503, Alertmanager retries, and after recovery the alert lands exactly once', async () => {
    const name = 'TocsinPostedOutage';
    const stats = gateway.alertmanager!.stats;
    const failedBefore = stats.answers[503] ?? 0;
    // A real SQLite failure inside the journal's transaction, from a second connection.
    const saboteur = new Database(join(dir, 'journal.sqlite'));
    try {
      saboteur.exec(
        "CREATE TRIGGER fail_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END",
      );
      const startsAt = new Date().toISOString();
      await amJson('/api/v2/alerts', {
        method: 'POST',
        body: JSON.stringify([
          {
            labels: { alertname: name, instance: 'db-9:9100', severity: 'high' },
            annotations: { summary: 'db-9 is down' },
            startsAt,
          },
        ]),
      });
      await until(
        () => (stats.answers[503] ?? 0) >= failedBefore + 2,
        20_000,
        'two 503 answers (Alertmanager retrying)',
      );
      figures.answered503BeforeRecovery = (stats.answers[503] ?? 0) - failedBefore;
      expect(probe.events().some(firedNamed(name))).toBe(false);
      expect(logs.some((line) => /answering 503 so Alertmanager retries: disk full \(test\)/.test(line))).toBe(true);
      saboteur.exec('DROP TRIGGER fail_events');
    } finally {
      saboteur.close();
    }
    const fired = await probe.waitFor(firedNamed(name), 20_000, `fired ${name}`);
    const alertId = eventOf(fired)!.alertId;
    expect(eventOf(fired)).toMatchObject({
      alert: { title: 'db-9 is down', severity: 'high', category: 'outage', host: 'db-9:9100' },
    });
    // Later deliveries of the same group are duplicates, not new events.
    const duplicates = stats.duplicates;
    await until(() => stats.duplicates > duplicates, 20_000, 'a repeat delivery after recovery');
    expect(eventsFor(alertId).map((r) => eventOf(r)!.kind)).toEqual(['fired']);

    // Resolving through Alertmanager's API (endsAt now) publishes resolved, once.
    const startsAtOf = gateway.journal.alertState(alertId)!.startsAt;
    await amJson('/api/v2/alerts', {
      method: 'POST',
      body: JSON.stringify([
        {
          labels: { alertname: name, instance: 'db-9:9100', severity: 'high' },
          annotations: { summary: 'db-9 is down' },
          startsAt: new Date(startsAtOf).toISOString(),
          endsAt: new Date().toISOString(),
        },
      ]),
    });
    await probe.waitFor(
      (r) => eventOf(r)?.kind === 'resolved' && eventOf(r)?.alertId === alertId,
      20_000,
      `resolved ${name}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(eventsFor(alertId).map((r) => eventOf(r)!.kind)).toEqual(['fired', 'resolved']);
    // Every seq the client saw is distinct and increasing: nothing journaled twice.
    const seqs = probe.events().map((r) => r.frame.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  });

  it('records the resolve of an acknowledged alert that the silence muted, and expires the silence', async () => {
    const name = 'TocsinMutedResolve';
    const labels = { alertname: name, instance: 'cache-1:9100', severity: 'warning' };
    const startsAt = new Date().toISOString();
    await amJson('/api/v2/alerts', {
      method: 'POST',
      body: JSON.stringify([{ labels, annotations: { summary: 'cache-1 evicting' }, startsAt }]),
    });
    const alertId = eventOf(await probe.waitFor(firedNamed(name), 10_000, `fired ${name}`))!.alertId;
    probe.send({ type: 'action', id: 'real-ack-muted-1', alertId, by: 'bob', request: { action: 'acknowledge' } });
    expect(
      (
        await probe.waitFor(
          (r) => r.frame.type === 'action_result' && r.frame.id === 'real-ack-muted-1',
          10_000,
          'ack result',
        )
      ).frame,
    ).toMatchObject({ ok: true });
    const silence = (await amJson<Silence[]>('/api/v2/silences')).find(
      (s) => s.createdBy === 'console' && s.status.state === 'active' && s.matchers.some((m) => m.value === name),
    )!;
    expect(silence).toBeDefined();

    await amJson('/api/v2/alerts', {
      method: 'POST',
      body: JSON.stringify([
        { labels, annotations: { summary: 'cache-1 evicting' }, startsAt, endsAt: new Date().toISOString() },
      ]),
    });
    await probe.waitFor(
      (r) => eventOf(r)?.kind === 'resolved' && eventOf(r)?.alertId === alertId,
      10_000,
      `resolved ${name}`,
    );
    // It was the reconciler: Alertmanager muted the resolve notification of the silenced alert.
    expect(
      logs.some((line) => line.includes(`acknowledged alert ${alertId} is no longer active in Alertmanager`)),
    ).toBe(true);
    await until(
      async () => (await amJson<Silence>(`/api/v2/silence/${silence.id}`)).status.state === 'expired',
      5_000,
      'the silence expired',
    );
    expect(eventsFor(alertId).map((r) => eventOf(r)!.kind)).toEqual(['fired', 'acknowledged', 'resolved']);
  });

  it('measures latency: alert posted to Alertmanager → WebSocket client, and webhook received → client', async () => {
    const endToEnd: number[] = [];
    const webhookToClient: number[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `TocsinLatency${i}`;
      const posted = Date.now();
      await amJson('/api/v2/alerts', {
        method: 'POST',
        body: JSON.stringify([
          {
            labels: { alertname: name, instance: `lat-${i}`, severity: 'warning' },
            annotations: { summary: `latency probe ${i}` },
            startsAt: new Date().toISOString(),
          },
        ]),
      });
      const hit = await probe.waitFor(firedNamed(name), 10_000, `fired ${name}`);
      endToEnd.push(hit.at - posted);
      webhookToClient.push(hit.at - gateway.alertmanager!.stats.last!.receivedAt);
    }
    figures.amPostToClientMs = {
      n: endToEnd.length,
      p50: percentile(endToEnd, 50),
      p99: percentile(endToEnd, 99),
      max: Math.max(...endToEnd),
    };
    figures.webhookToClientMs = { p50: percentile(webhookToClient, 50), p99: percentile(webhookToClient, 99) };
    expect(percentile(endToEnd, 50)).toBeLessThan(1_000);
  });
});
