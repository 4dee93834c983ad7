/**
 * The Icinga 2 source against a real icinga2 (Debian's package) started by the test on a
 * loopback port, configuration and state in a temporary directory, TLS with Icinga's own CA:
 * passive check results flip a service to CRITICAL and back; acknowledgements go both ways;
 * Icinga restarted while a problem appears is reconciled; and the time from a state change in
 * Icinga to its row in a console's history is measured over 50 changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '../../common/protocol/frames.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { ICINGA_USER, startIcinga, type RealIcinga } from '../support/icinga.js';
import { FeedProbe } from '../support/real-monitoring.js';
import { until } from '../support/until.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ANN = 'ann-laptop-token-0123456789';
let icinga: RealIcinga;
let g: Gateway;
let probe: FeedProbe;

beforeAll(async () => {
  icinga = await startIcinga({
    hosts: [
      { name: 'web-1', services: ['http', 'disk'] },
      { name: 'db-1', services: [] },
    ],
  });
  g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: ['console-token-0123456789'],
    // FeedProbe answers no pings: the default would close it after 20 s, mid-measurement.
    heartbeatMs: 600_000,
    people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-icinga-gw-')), 'journal.sqlite') },
    icinga: {
      url: icinga.url,
      serverName: 'localhost',
      caFile: icinga.caFile,
      ...ICINGA_USER,
      queue: 'tocsin-test',
      reconnectMinMs: 200,
      reconnectMaxMs: 2_000,
      heartbeat: { intervalMs: 60_000 },
    },
  });
  probe = await FeedProbe.open(g.url, ANN);
  await until(() => g.integrations.icinga!.connected(), 15_000, 'the Icinga event stream connected');
}, 90_000);

afterAll(async () => {
  await probe?.close();
  await g?.close();
  await icinga?.stop();
});

const HTTP = 'icinga:web-1!http';
const eventOf =
  (alertId: string, kind: string, after = 0) =>
  (r: { frame: { type: string } }) =>
    r.frame.type === 'event' &&
    (r.frame as EventFrame).event.alertId === alertId &&
    (r.frame as EventFrame).event.kind === kind &&
    (r.frame as EventFrame).seq > after;
const lastSeq = () => g.journal.bounds().last;

type ServiceAttrs = { results: Array<{ attrs: { acknowledgement: number; state: number } }> };
const serviceAttrs = async (host: string, service: string) =>
  (
    (await icinga.get(
      `/v1/objects/services/${encodeURIComponent(`${host}!${service}`)}?attrs=acknowledgement&attrs=state`,
    )) as ServiceAttrs
  ).results[0]!.attrs;

describe('Icinga 2 (real icinga2)', () => {
  it('a passive CRITICAL reaches the console with its severity and host, and a recovery resolves it', async () => {
    const after = lastSeq();
    await icinga.processCheckResult('web-1', 'http', 2, 'HTTP CRITICAL: 503 Service Unavailable');
    const fired = await probe.waitFor(eventOf(HTTP, 'fired', after), 15_000, 'the CRITICAL as a fired event');
    expect((fired.frame as EventFrame).event).toMatchObject({
      source: 'icinga',
      alert: {
        title: 'http on web-1 is CRITICAL',
        body: 'HTTP CRITICAL: 503 Service Unavailable',
        severity: 'critical',
        host: 'web-1',
        service: 'http',
        labels: { state: 'critical', state_type: 'hard' },
      },
    });
    expect(g.integrations.heartbeats?.state().icinga?.lastSeen).not.toBeNull();
    await icinga.processCheckResult('web-1', 'disk', 1, 'DISK WARNING - free space: / 9%');
    await until(() => g.journal.alertState('icinga:web-1!disk')?.severity === 'warning', 15_000, 'the WARNING');
    await icinga.processCheckResult('web-1', 'http', 0, 'HTTP OK: 200');
    await probe.waitFor(eventOf(HTTP, 'resolved', after), 15_000, 'the recovery as a resolve');
    await icinga.processCheckResult('db-1', undefined, 1, 'PING CRITICAL - Packet loss = 100%');
    await until(() => g.journal.alertState('icinga:db-1')?.status === 'firing', 15_000, 'the host DOWN');
    expect(g.journal.alertState('icinga:db-1')).toMatchObject({
      severity: 'critical',
      category: 'outage',
      title: 'db-1 is DOWN',
    });
  });

  it('an ack in Tocsin is set in Icinga (author: the person), an unack removes it, an ack in Icinga shows in Tocsin', async () => {
    const after = lastSeq();
    await icinga.processCheckResult('web-1', 'http', 2, 'HTTP CRITICAL: timeout');
    await probe.waitFor(eventOf(HTTP, 'fired', after), 15_000);
    probe.send({
      type: 'action',
      id: 'ack-icinga-0001',
      alertId: HTTP,
      by: 'ignored',
      request: { action: 'acknowledge', comment: 'on it' },
    });
    const result = await probe.waitFor(
      (r) => r.frame.type === 'action_result' && (r.frame as { id: string }).id === 'ack-icinga-0001',
      15_000,
    );
    expect(result.frame).toMatchObject({ ok: true });
    expect((await serviceAttrs('web-1', 'http')).acknowledgement).toBe(1);
    const comments = (await icinga.get('/v1/objects/comments?attrs=author&attrs=text&attrs=service_name')) as {
      results: Array<{ attrs: { author: string; text: string; service_name: string } }>;
    };
    expect(comments.results.map((c) => c.attrs)).toContainEqual({
      author: 'Ann Example',
      text: 'on it',
      service_name: 'http',
    });
    probe.send({
      type: 'action',
      id: 'unack-icinga-0001',
      alertId: HTTP,
      by: 'ignored',
      request: { action: 'unacknowledge' },
    });
    await probe.waitFor(
      (r) => r.frame.type === 'action_result' && (r.frame as { id: string }).id === 'unack-icinga-0001',
      15_000,
    );
    expect((await serviceAttrs('web-1', 'http')).acknowledgement).toBe(0);
    // Icinga's echo of Tocsin's own acknowledgement is not journaled a second time.
    expect(
      probe.events().filter((r) => r.frame.event.alertId === HTTP && r.frame.event.kind === 'acknowledged'),
    ).toHaveLength(1);

    // Acknowledged in Icinga (Icinga Web does the same API call).
    const before = lastSeq();
    await icinga.post('/v1/actions/acknowledge-problem', {
      type: 'Service',
      filter: 'host.name==hn && service.name==sn',
      filter_vars: { hn: 'web-1', sn: 'disk' },
      author: 'Bob in Icinga Web',
      comment: 'replacing the disk',
    });
    const acked = await probe.waitFor(
      eventOf('icinga:web-1!disk', 'acknowledged', before),
      15_000,
      'the ack made in Icinga',
    );
    expect((acked.frame as EventFrame).event).toMatchObject({ by: 'Bob in Icinga Web', comment: 'replacing the disk' });
    await icinga.processCheckResult('web-1', 'http', 0, 'HTTP OK');
  });

  it('Icinga restarted while a problem appears: the reconcile on reconnect finds it', async () => {
    const source = g.integrations.icinga!;
    const reconciles = source.stats.reconciles;
    await icinga.stopDaemon();
    await until(() => !source.connected(), 10_000, 'the gateway noticing Icinga gone');
    await icinga.start();
    // Before the gateway is back on the stream: this event has no subscriber, only the reconcile can see it.
    const connects = source.stats.connects;
    await icinga.processCheckResult('web-1', 'disk', 2, 'DISK CRITICAL - free space: / 1%');
    expect(source.stats.connects).toBe(connects);
    await until(
      () => g.journal.alertState('icinga:web-1!disk')?.severity === 'critical',
      20_000,
      'the problem found by the reconcile',
    );
    expect(source.stats.reconciles).toBeGreaterThan(reconciles);
  }, 60_000);

  it('measures state change in Icinga → row in the console history over 50 changes', async () => {
    await until(() => g.integrations.icinga!.connected(), 15_000, 'connected');
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const critical = i % 2 === 0;
      const after = lastSeq();
      const sent = Date.now();
      await icinga.processCheckResult(
        'web-1',
        'http',
        critical ? 2 : 0,
        critical ? `HTTP CRITICAL #${i}` : `HTTP OK #${i}`,
      );
      const row = await probe
        .waitFor(eventOf(HTTP, critical ? 'fired' : 'resolved', after), 20_000, `change ${i}`)
        .catch(async (error: unknown) => {
          throw new Error(
            `${String(error)}\nstats ${JSON.stringify(g.integrations.icinga!.stats)} icinga ${JSON.stringify(await serviceAttrs('web-1', 'http'))} journal ${JSON.stringify(g.journal.alertState(HTTP))}\nicinga2's output:\n${icinga.output().slice(-3_000)}`,
          );
        });
      latencies.push(row.at - sent);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
    console.log(
      `icinga state change → console history: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${latencies.at(-1)} ms, ${latencies.filter((ms) => ms > 1_000).length} over 1 s (50 changes); icinga2 startups ${icinga.startups.join(', ')} ms`,
    );
    expect(p(0.5)).toBeLessThan(5_000);
  }, 300_000);
});
