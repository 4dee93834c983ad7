/**
 * Nagios Core 4 against a real nagios4 started by the test (configuration in a temporary
 * directory) with the notification command shipped in deploy/nagios: a passive CRITICAL
 * reaches the gateway; an ack in Tocsin shows in Nagios's status.dat; an ack in Nagios shows in
 * Tocsin; with the gateway down the command spools, and delivers once it is back, exactly once.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '../../common/protocol/frames.js';
import type { GatewayConfigInput } from '../../gateway/config.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { startNagios, type RealNagios } from '../support/nagios.js';
import { FeedProbe, freePort } from '../support/real-monitoring.js';
import { until } from '../support/until.js';

const ANN = 'ann-laptop-token-0123456789';
const NAGIOS_TOKEN = 'nagios-notify-token-0123456789';
let nagios: RealNagios;
let config: GatewayConfigInput;
let g: Gateway | null = null;
let probe: FeedProbe | null = null;

async function startTheGateway(): Promise<Gateway> {
  g = await startGateway(config);
  probe = await FeedProbe.open(g.url, ANN);
  return g;
}
async function stopTheGateway(): Promise<void> {
  await probe?.close();
  await g?.close();
  probe = null;
  g = null;
}

beforeAll(async () => {
  const port = await freePort();
  config = {
    listen: { host: '127.0.0.1', port },
    tokens: ['console-token-0123456789'],
    heartbeatMs: 600_000,
    people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-nagios-gw-')), 'journal.sqlite') },
    nagios: { tokens: [NAGIOS_TOKEN] },
    heartbeats: { nagios: { intervalMs: 60_000, tokens: [NAGIOS_TOKEN] } },
  };
  nagios = await startNagios({
    hosts: [{ name: 'web-1', services: ['http', 'disk'] }],
    gatewayUrl: `http://127.0.0.1:${port}`,
    token: NAGIOS_TOKEN,
  });
  (config.nagios as { commandFile?: string }).commandFile = nagios.commandFile;
  await startTheGateway();
}, 60_000);

afterAll(async () => {
  await stopTheGateway();
  await nagios?.stop();
});

const journaled = (alertId: string, kind: string) =>
  g!.journal
    .readAfter(0, 100_000)
    .map(({ frame }) => (JSON.parse(frame) as EventFrame).event)
    .filter((event) => event.alertId === alertId && event.kind === kind);

describe('Nagios Core 4 (real nagios4)', () => {
  it('a passive CRITICAL reaches the gateway; an ack in Tocsin shows in Nagios; a recovery resolves', async () => {
    const sent = Date.now();
    await nagios.command('PROCESS_SERVICE_CHECK_RESULT;web-1;http;2;HTTP CRITICAL - 503 Service Unavailable');
    const fired = await probe!.waitFor(
      (r) => r.frame.type === 'event' && (r.frame as EventFrame).event.alertId === 'nagios:web-1!http',
      15_000,
      'the CRITICAL',
    );
    console.log(`nagios: passive CRITICAL → console in ${fired.at - sent} ms`);
    expect((fired.frame as EventFrame).event).toMatchObject({
      kind: 'fired',
      source: 'nagios',
      alert: {
        title: 'http on web-1 is CRITICAL',
        severity: 'critical',
        host: 'web-1',
        body: 'HTTP CRITICAL - 503 Service Unavailable',
      },
    });
    probe!.send({
      type: 'action',
      id: 'ack-nagios-0001',
      alertId: 'nagios:web-1!http',
      by: 'x',
      request: { action: 'acknowledge' },
    });
    const result = await probe!.waitFor((r) => r.frame.type === 'action_result', 10_000);
    expect(result.frame).toMatchObject({ ok: true });
    await until(
      () => nagios.status('web-1', 'http')?.problem_has_been_acknowledged === '1',
      10_000,
      'the ack in status.dat',
    );
    // Nagios notifies the ack (to other contacts too); its echo to Tocsin is not journaled twice.
    await until(
      () => (g!.integrations.nagios!.stats.answers[200] ?? 0) >= 2,
      10_000,
      'the ACKNOWLEDGEMENT notification',
    );
    expect(journaled('nagios:web-1!http', 'acknowledged')).toHaveLength(1);
    await nagios.command('PROCESS_SERVICE_CHECK_RESULT;web-1;http;0;HTTP OK - 200');
    await until(() => g!.journal.alertState('nagios:web-1!http')?.status === 'resolved', 15_000, 'the recovery');
    // The flush service also beats Tocsin's dead-man's switch for Nagios.
    await until(() => g!.integrations.heartbeats?.state().nagios?.lastSeen != null, 10_000, 'the nagios heartbeat');
  });

  it('with the gateway down the command spools, and delivers once the gateway is back, exactly once', async () => {
    await stopTheGateway();
    await nagios.command('PROCESS_SERVICE_CHECK_RESULT;web-1;disk;2;DISK CRITICAL - free space: / 1%');
    const spooled = () => readdirSync(nagios.spool).filter((name) => name.endsWith('.json')).length;
    await until(() => spooled() === 1, 20_000, 'the notification spooled');
    expect(nagios.status('web-1', 'tocsin-spool')?.plugin_output ?? '').toMatch(/^TOCSIN/);
    const back = Date.now();
    await startTheGateway();
    await until(
      () => g!.journal.alertState('nagios:web-1!disk')?.status === 'firing',
      20_000,
      'the spooled CRITICAL delivered',
    );
    console.log(`nagios: spooled notification delivered ${Date.now() - back} ms after the gateway came back`);
    await until(() => spooled() === 0, 10_000, 'the spool emptied');
    // Several more flushes (one a second): still one event.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(journaled('nagios:web-1!disk', 'fired')).toHaveLength(1);
    expect(readdirSync(join(nagios.spool, 'rejected'))).toEqual([]);
  }, 60_000);

  it('an ack made in Nagios shows in Tocsin', async () => {
    await nagios.command('ACKNOWLEDGE_SVC_PROBLEM;web-1;disk;2;1;1;Bob in Nagios;replacing the disk');
    await until(() => g!.journal.alertState('nagios:web-1!disk')?.acknowledged !== null, 15_000, 'the ack from Nagios');
    expect(g!.journal.alertState('nagios:web-1!disk')?.acknowledged).toMatchObject({
      by: 'Bob in Nagios',
      comment: 'replacing the disk',
    });
  });
});
