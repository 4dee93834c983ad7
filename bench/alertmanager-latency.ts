/**
 * Webhook → client latency with real Alertmanager: alerts posted to Alertmanager's API travel
 * Alertmanager → webhook (POST /v1/alertmanager) → journal → WebSocket client. Printed: the time
 * from the webhook's arrival at the gateway to the client's frame (the gateway's share), and from
 * the post to Alertmanager to the client (what an operator waits, Alertmanager included).
 * Baseline in the same run: the same number of alerts posted straight to the gateway's
 * POST /v1/events, timed from the request to the client's frame. Sequential (one alert in
 * flight), loopback only, bounded: 10 s per alert at most.
 *   npx tsx bench/alertmanager-latency.ts [alerts=100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../gateway/gateway.js';
import { FeedProbe, freeMonitoringPorts, freePort, startRealMonitoring } from '../tests/support/real-monitoring.js';

const N = Number(process.argv[2] ?? 100);
const TOKEN = 'bench-console-token-0123456789';
const AM_TOKEN = 'bench-alertmanager-token-0123456789';
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const describe = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), 'bench-am-'));
const ports = await freeMonitoringPorts();
const gateway = await startGateway(
  {
    listen: { host: '127.0.0.1', port: await freePort() },
    tokens: [TOKEN],
    journal: { path: join(dir, 'journal.sqlite') },
    alertmanager: { tokens: [AM_TOKEN] },
  },
  { log: () => {} },
);
const monitoring = await startRealMonitoring({
  ports,
  webhook: { url: `http://127.0.0.1:${gateway.port}/v1/alertmanager`, token: AM_TOKEN },
});
const probe = await FeedProbe.open(gateway.url, TOKEN);
const firedWith = (alertname: string) => (r: { frame: { type: string } }) => {
  const frame = r.frame as {
    type: string;
    event?: { kind: string; alert?: { labels?: Record<string, string>; title?: string } };
  };
  return (
    frame.type === 'event' &&
    frame.event?.kind === 'fired' &&
    (frame.event.alert?.labels?.alertname === alertname || frame.event.alert?.title === alertname)
  );
};

try {
  // Baseline: straight to the gateway.
  const direct: number[] = [];
  for (let i = 0; i < N; i++) {
    const title = `DirectProbe${i}`;
    const sent = performance.now();
    const response = await fetch(`http://127.0.0.1:${gateway.port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'fired',
        alertId: `direct-${i}`,
        alert: { title, body: '', severity: 'warning', category: 'other', labels: {}, startsAt: Date.now() },
      }),
    });
    if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}`);
    await probe.waitFor(firedWith(title), 10_000, title);
    direct.push(performance.now() - sent);
    await pause(10);
  }

  // Through real Alertmanager.
  const webhookToClient: number[] = [];
  const postToClient: number[] = [];
  for (let i = 0; i < N; i++) {
    const alertname = `TocsinBenchLatency${i}`;
    const postedWall = Date.now();
    const response = await fetch(`${monitoring.alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname, instance: `bench-${i}`, severity: 'warning' },
          annotations: { summary: `latency probe ${i}` },
          startsAt: new Date().toISOString(),
        },
      ]),
    });
    if (!response.ok) throw new Error(`Alertmanager answered ${response.status}`);
    const hit = await probe.waitFor(firedWith(alertname), 10_000, alertname);
    postToClient.push(hit.at - postedWall);
    webhookToClient.push(hit.at - gateway.alertmanager!.stats.last!.receivedAt);
    await pause(10);
  }

  console.log(`alerts: ${N} each way, one in flight at a time`);
  console.log(`baseline  POST /v1/events → client:        ${describe(direct)}`);
  console.log(`webhook arrival → client (gateway's part): ${describe(webhookToClient)}`);
  console.log(`post to Alertmanager → client (end to end): ${describe(postToClient)}`);
  console.log(
    `ratio webhook→client / direct POST→client: p50 ${(percentile(webhookToClient, 50) / percentile(direct, 50)).toFixed(2)}, p99 ${(percentile(webhookToClient, 99) / percentile(direct, 99)).toFixed(2)}`,
  );
  console.log(`answers to Alertmanager: ${JSON.stringify(gateway.alertmanager!.stats.answers)}`);
} finally {
  await probe.close();
  await monitoring.stop();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
}
