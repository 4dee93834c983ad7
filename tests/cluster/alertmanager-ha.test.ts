/**
 * An Alertmanager HA pair in front of a Tocsin cluster: two real Alertmanagers clustered by
 * gossip on loopback, each sending to a different gateway, both gateways journaling into one
 * JetStream stream. The same alerts are posted to both Alertmanagers, as Prometheus does with
 * an HA pair; "every replica notifies, duplicates are expected" (Alertmanager's
 * high-availability documentation), and each alert must be stored once. Then the same with two
 * Alertmanagers that do not gossip at all, so that both certainly deliver every alert.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { startNats, type NatsCluster } from '../support/nats.js';
import { startProcess, type Started } from '../support/processes.js';
import { freePort } from '../support/real-monitoring.js';
import { until } from '../support/until.js';

const TOKEN = 'alertmanager-ha-token-0123456789';
let nats: NatsCluster;
beforeAll(async () => {
  nats = await startNats(1);
}, 60_000);
afterAll(() => nats?.stop());

async function gatewayOn(stream: string): Promise<Gateway> {
  return startGateway({
    name: `gw-${Math.random().toString(36).slice(2, 8)}`,
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { kind: 'jetstream', servers: nats.servers, stream },
    alertmanager: {},
  });
}

/** One Alertmanager sending to `gateway`, gossiping with `peers` (none: on its own). */
async function alertmanager(gateway: Gateway, port: number, clusterPort: number, peers: number[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-am-ha-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: tocsin
  group_by: [alertname, instance]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: tocsin
    webhook_configs:
      - url: "http://127.0.0.1:${gateway.port}/v1/alertmanager"
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: "${TOKEN}"
`,
  );
  return startProcess(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--cluster.listen-address=${peers.length ? `127.0.0.1:${clusterPort}` : ''}`,
      ...peers.map((peer) => `--cluster.peer=127.0.0.1:${peer}`),
      '--cluster.peer-timeout=1s',
    ],
    /Listening|listening/,
  );
}

/** Post alerts to one Alertmanager's API, as Prometheus does. */
async function postAlerts(port: number, alerts: unknown[]): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`Alertmanager ${port} answered ${response.status}: ${await response.text()}`);
}

async function pairDelivers(stream: string, gossip: boolean): Promise<string> {
  const gateways = [await gatewayOn(stream), await gatewayOn(stream)];
  const [p1, p2, c1, c2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const managers = [
    await alertmanager(gateways[0]!, p1, c1, gossip ? [c2] : []),
    await alertmanager(gateways[1]!, p2, c2, gossip ? [c1] : []),
  ];
  try {
    for (const port of [p1, p2])
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/-/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        20_000,
        'Alertmanager ready',
      );
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alerts = Array.from({ length: 10 }, (_, i) => ({
      labels: { alertname: 'HaPairTest', instance: `host-${i}`, severity: 'critical', category: 'outage' },
      annotations: { summary: `Host ${i} down` },
      startsAt,
      generatorURL: 'https://prometheus.example/graph',
    }));
    await Promise.all([postAlerts(p1, alerts), postAlerts(p2, alerts)]);
    const fired = (gateway: Gateway) =>
      gateway.journal
        .readAfter(0, 10_000)
        .map((f) => JSON.parse(f.frame) as { event: { kind: string; alertId: string } })
        .filter((f) => f.event.kind === 'fired');
    // Both gateways read the one stream: each sees every alert, whichever gateway journaled it.
    await until(() => gateways.every((g) => fired(g).length >= 10), 30_000, 'ten alerts in the stream');
    await new Promise((r) => setTimeout(r, 3_000)); // late duplicates get their chance to be stored twice
    const stats = gateways.map((g) => g.alertmanager!.stats);
    for (const gateway of gateways) {
      const ids = fired(gateway).map((f) => f.event.alertId);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
    }
    const received = stats.map((s) => s.alerts);
    const duplicates = stats.reduce((sum, s) => sum + s.duplicates, 0);
    if (!gossip) expect(received).toEqual([10, 10]); // both replicas delivered every alert: the dedup was tested
    return `${gossip ? 'gossiping' : 'independent'} pair: webhook alerts received ${received.join(' + ')}, refused as duplicates ${duplicates}, stored once each: 10`;
  } finally {
    await Promise.all(managers.map((m) => m.stop()));
    await Promise.all(gateways.map((g) => g.close()));
  }
}

describe('an Alertmanager HA pair sending to two gateways of one cluster', () => {
  it('stores each alert once when the pair gossips', async () => {
    console.log(await pairDelivers('AMHA1', true));
  }, 90_000);

  it('stores each alert once when both replicas certainly deliver every alert', async () => {
    console.log(await pairDelivers('AMHA2', false));
  }, 90_000);
});
