/**
 * The work a cluster must do once, done once, and carried on when its leader dies: three gateway
 * processes on one JetStream stream (three NATS nodes), a real Prometheus and Alertmanager
 * behind counting proxies that tell which gateway asked (each has its own API token):
 * - only the leader polls Prometheus, and its samples reach consoles of the other gateways;
 * - heartbeats posted to a follower reach the leader (no false "monitoring is silent");
 * - a silence made through one gateway is checked by the leader;
 * then the leader is SIGKILLed: within its lease another gateway polls, raises the silent
 * heartbeat's alert once, resolves it once when beats return, and resolves the acknowledged
 * alert whose resolve Alertmanager muted, expiring its silence; never two gateways at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy, type ProxiedRequest } from '../support/counting-proxy.js';
import { startNats, type NatsCluster } from '../support/nats.js';
import { FeedProbe, freePort, startRealMonitoring, type RealMonitoring } from '../support/real-monitoring.js';
import { until } from '../support/until.js';
import {
  CLUSTER_TOKEN,
  startGatewayProcess,
  writeClusterGatewayConfig,
  type ClusterGateway,
} from './cluster-fixture.js';

const LEASE_MS = 3_000;
const POLL_MS = 500;
// Longer than the gateways take to start one after another: the first counts from its own start.
const HEARTBEAT_MS = 10_000;
const tokenOf = (i: number) => `gateway-${i + 1}-api-token`;

let dir: string;
let nats: NatsCluster;
let monitoring: RealMonitoring;
let prometheus: CountingProxy;
let alertmanager: CountingProxy;
const gateways: ClusterGateway[] = [];
const probes: FeedProbe[] = [];
let beating: NodeJS.Timeout | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tocsin-leader-'));
  nats = await startNats(3);
  for (let i = 0; i < 3; i++)
    gateways.push({ port: await freePort(), config: join(dir, `g${i + 1}.json`), process: null });
  // Alertmanager delivers to gateway 3, never the one killed.
  monitoring = await startRealMonitoring({
    webhook: { url: `http://127.0.0.1:${gateways[2]!.port}/v1/alertmanager`, token: CLUSTER_TOKEN },
    repeatInterval: '1h',
  });
  prometheus = await startCountingProxy(monitoring.prometheusUrl);
  alertmanager = await startCountingProxy(monitoring.alertmanagerUrl!);
  gateways.forEach((gateway, i) =>
    writeClusterGatewayConfig(
      gateway,
      i,
      { servers: nats.servers, stream: 'LEADER', leaseTtlMs: LEASE_MS },
      {
        // The probes do not answer pings: longer than the test, so no console is dropped.
        heartbeatMs: 120_000,
        prometheus: {
          url: prometheus.url,
          apiToken: tokenOf(i),
          intervalMs: POLL_MS,
          queries: [{ name: 'up', promql: 'up' }],
        },
        alertmanager: {
          url: alertmanager.url,
          apiToken: tokenOf(i),
          silences: { reconcileMs: 300, resolveMissingAfterMs: 600 },
        },
        heartbeats: { probe: { intervalMs: HEARTBEAT_MS } },
      },
    ),
  );
  // Heartbeats to gateway 2 only, from as soon as it listens. The first to start takes the lease.
  beating = setInterval(() => void beat(1).catch(() => {}), 500);
  for (const gateway of gateways) await startGatewayProcess(gateway);
  for (const gateway of gateways)
    probes.push(await FeedProbe.open(`ws://127.0.0.1:${gateway.port}/v1/feed`, CLUSTER_TOKEN));
}, 180_000);

afterAll(async () => {
  clearInterval(beating);
  for (const probe of probes) await probe.close();
  await Promise.all(gateways.map((g) => g.process?.stop()));
  await prometheus?.stop();
  await alertmanager?.stop();
  await monitoring?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Which gateways (by index) made these requests. */
const askers = (requests: readonly ProxiedRequest[]) =>
  [...new Set(requests.map((r) => [0, 1, 2].find((i) => tokenOf(i) === r.token)))].sort();
const polls = (from: number, to = Infinity) =>
  prometheus.requests.filter((r) => r.path.startsWith('/api/v1/query') && r.at >= from && r.at < to);
const checks = (from: number, to = Infinity) =>
  alertmanager.requests.filter(
    (r) => r.method === 'GET' && r.path.startsWith('/api/v2/alerts') && r.at >= from && r.at < to,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function beat(i: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${gateways[i]!.port}/v1/heartbeats/probe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLUSTER_TOKEN}` },
  });
  if (response.status !== 204) throw new Error(`heartbeat answered ${response.status}`);
}

async function amJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(new URL(path, monitoring.alertmanagerUrl), {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const eventsOf = (probe: FeedProbe, alertId: string) =>
  probe
    .events()
    .map((r) => r.frame.event)
    .filter((event) => event.alertId === alertId);

describe('once-per-cluster work on the leader, taken over when it dies', () => {
  it('polls, heartbeats and silences from one leader, then from its successor within the lease', async () => {
    // 1. Gateway 1 leads: it alone polls, and consoles on the others get its samples.
    const t0 = Date.now();
    await sleep(3_000);
    expect(askers(polls(t0))).toEqual([0]);
    expect(polls(t0).length).toBeGreaterThanOrEqual(5);
    expect(polls(t0).length).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / POLL_MS) + 1);
    for (const probe of probes)
      await probe.waitFor((r) => r.frame.type === 'metrics', 5_000, 'metrics from the leader');

    // 2. An alert through Alertmanager, acknowledged on gateway 2: silenced in Alertmanager.
    const labels = { alertname: 'LeaderFailover', instance: 'db-7', severity: 'critical' };
    const startsAt = new Date().toISOString();
    await amJson('/api/v2/alerts', { method: 'POST', body: JSON.stringify([{ labels, startsAt }]) });
    const fired = await probes[1]!.waitFor(
      (r) =>
        r.frame.type === 'event' &&
        r.frame.event.kind === 'fired' &&
        r.frame.event.alert.title.includes('LeaderFailover'),
      15_000,
      `the Alertmanager alert ${gateways[2]!.process!.output().slice(-3000)}`,
    );
    const alertId = fired.frame.type === 'event' ? fired.frame.event.alertId : '';
    probes[1]!.send({ type: 'action', id: 'leader-ack-1', alertId, by: 'x', request: { action: 'acknowledge' } });
    const result = await probes[1]!.waitFor((r) => r.frame.type === 'action_result', 10_000, 'the ack result');
    expect(result.frame).toMatchObject({ ok: true });
    type Silence = { id: string; status: { state: string }; matchers: Array<{ value: string }> };
    const silence = (await amJson<Silence[]>('/api/v2/silences')).find(
      (s) => s.status.state === 'active' && s.matchers.some((m) => m.value === 'LeaderFailover'),
    )!;
    expect(silence).toBeDefined();
    // The leader checks the silenced alert in Alertmanager; the gateway that made the silence does not.
    const acked = Date.now();
    await until(() => checks(acked).length >= 2, 5_000, 'the leader checking silenced alerts');
    expect(askers(checks(acked))).toEqual([0]);

    // Beats went to gateway 2 only, for longer than their interval: the leader heard them.
    await sleep(Math.max(0, t0 + HEARTBEAT_MS + 1_000 - Date.now()));
    for (const probe of probes) expect(eventsOf(probe, 'tocsin:silent:probe')).toEqual([]);

    // 3. The leader dies without a word; the beats stop; Alertmanager resolves the alert, muted by the silence.
    const child = gateways[0]!.process!.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killed = Date.now();
    clearInterval(beating);
    await amJson('/api/v2/alerts', {
      method: 'POST',
      body: JSON.stringify([{ labels, startsAt, endsAt: new Date().toISOString() }]),
    });

    // 4. Within the lease (and a poll), one other gateway polls; gateway 1 never again.
    await until(() => polls(killed).length > 0, LEASE_MS + 3_000, 'polls after the leader died');
    const resumedAfter = polls(killed)[0]!.at - killed;
    expect(resumedAfter).toBeLessThan(LEASE_MS + 2 * POLL_MS + 1_000);
    const successor = askers(polls(killed));
    expect(successor).toHaveLength(1);
    expect(successor[0]).not.toBe(0);

    // The acknowledged alert Alertmanager resolved (muted) is resolved by the successor; its silence expired.
    await probes[2]!.waitFor(
      (r) => r.frame.type === 'event' && r.frame.event.kind === 'resolved' && r.frame.event.alertId === alertId,
      LEASE_MS + 10_000,
      'the muted resolve, found by the new leader',
    );
    await until(
      async () => (await amJson<Silence>(`/api/v2/silence/${silence.id}`)).status.state === 'expired',
      5_000,
      'the silence expired',
    );
    expect(askers(checks(killed))).toEqual(successor);

    // 5. No beats for longer than their interval: the new leader raises the silent alert, once.
    await probes[2]!
      .waitFor(
        (r) =>
          r.frame.type === 'event' && r.frame.event.kind === 'fired' && r.frame.event.alertId === 'tocsin:silent:probe',
        HEARTBEAT_MS + LEASE_MS + 5_000,
        'monitoring is silent',
      )
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${gateways[1]!.process!.output()}\n${gateways[2]!.process!.output()}`);
      });
    // Beats return, to the gateway that does not lead: resolved, once.
    const follower = [1, 2].find((i) => i !== successor[0])!;
    await beat(follower);
    await probes[2]!.waitFor(
      (r) =>
        r.frame.type === 'event' &&
        r.frame.event.kind === 'resolved' &&
        r.frame.event.alertId === 'tocsin:silent:probe',
      5_000,
      'the silent alert resolved',
    );
    await sleep(1_500);
    const until2 = Date.now();
    for (const probe of probes.slice(1)) {
      expect(eventsOf(probe, 'tocsin:silent:probe').map((e) => e.kind)).toEqual(['fired', 'resolved']);
      expect(eventsOf(probe, alertId).map((e) => e.kind)).toEqual(['fired', 'acknowledged', 'resolved']);
    }
    // Still one poller, at one poll per interval.
    expect(askers(polls(killed, until2))).toEqual(successor);
    const window = until2 - polls(killed)[0]!.at;
    console.log(
      `leader failover: polls resumed ${resumedAfter} ms after the SIGKILL (lease ${LEASE_MS} ms, poll every ${POLL_MS} ms), by gateway ${successor[0]! + 1} alone; ${polls(killed, until2).length} polls in ${window} ms`,
    );
    expect(polls(killed, until2).length).toBeLessThanOrEqual(Math.ceil(window / POLL_MS) + 1);
  }, 120_000);
});
