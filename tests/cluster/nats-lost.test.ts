/**
 * A gateway on a JetStream journal whose NATS goes away while it runs (issue #18, bad input):
 * webhooks answer 503 so their senders retry, /readyz says not ready so the load balancer sends
 * consoles elsewhere, and nothing it accepted is lost. When NATS is back, so is the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { startNats, type NatsCluster } from '../support/nats.js';
import { until } from '../support/until.js';
import { CLUSTER_TOKEN } from './cluster-fixture.js';

let nats: NatsCluster;
let gateway: Gateway;
beforeAll(async () => {
  nats = await startNats(1);
  gateway = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [CLUSTER_TOKEN],
    journal: { kind: 'jetstream', servers: nats.servers, stream: 'LOST', publishTimeoutMs: 1_000 },
  });
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await nats?.stop();
});

const http = () => `http://127.0.0.1:${gateway.port}`;
const post = (n: number) =>
  fetch(`${http()}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLUSTER_TOKEN}` },
    body: JSON.stringify([
      { kind: 'fired', alertId: `l${n}`, alert: { title: `l${n}`, severity: 'info', category: 'other' } },
    ]),
  });
const ready = () => fetch(`${http()}/readyz`).then((r) => r.status);

describe('a gateway whose NATS goes away', () => {
  it('answers 503 and is not ready while NATS is gone, loses nothing it accepted, and comes back with NATS', async () => {
    expect(await ready()).toBe(200);
    expect((await post(1)).status).toBe(202);
    await nats.kill(0);
    await until(async () => (await ready()) === 503, 5_000, '/readyz 503 without NATS');
    const refused = await post(2);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'journal_unavailable' });
    expect(await fetch(`${http()}/readyz`).then((r) => r.json())).toMatchObject({ code: 'not_ready' });
    expect((await fetch(`${http()}/healthz`)).status).toBe(200);
    await nats.restart(0);
    await until(async () => (await ready()) === 200, 20_000, '/readyz 200 with NATS back');
    await until(async () => (await post(3)).status === 202, 10_000, 'accepting events again');
    expect(gateway.journal.alertState('l1')).toMatchObject({ status: 'firing' });
    expect(gateway.journal.alertState('l3')).toMatchObject({ status: 'firing' });
    expect(gateway.journal.readAfter(0, 10).map((f) => JSON.parse(f.frame).event.alertId)).toEqual(['l1', 'l3']);
  }, 60_000);
});
