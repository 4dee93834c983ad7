/**
 * The Zabbix source against a real Zabbix 6.0 (Debian's server, PostgreSQL and PHP frontend,
 * started by tests/support/zabbix.ts): the media type shipped in deploy/zabbix is imported with
 * `configuration.import` and run BY ZABBIX (its alerter, Duktape, real macro values) when a
 * trapper value flips a trigger; a console sees the problem, its resolution, and updates made in
 * Zabbix; an acknowledgement in Tocsin reaches Zabbix through `event.acknowledge` with the
 * gateway's API token, of a user with the least privileges docs/sources.md names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '../../common/protocol/frames.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { FeedProbe } from '../support/real-monitoring.js';
import { apiUser, configureTocsin, startZabbix, trapperHost, type RealZabbix } from '../support/zabbix.js';

const ANN = 'ann-laptop-token-0123456789';
const MEDIA_TOKEN = 'zabbix-media-token-0123456789';
const KEY = 'tocsin.disk.used';
let zabbix: RealZabbix;
let g: Gateway;
let probe: FeedProbe;
let groupid: string;
let triggerid: string;

beforeAll(async () => {
  zabbix = await startZabbix();
  const { api } = zabbix;
  groupid = (await api.call<{ groupids: string[] }>('hostgroup.create', { name: 'Tocsin test' })).groupids[0]!;
  const tocsin = await apiUser(api, groupid, 'tocsin', 3);
  g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: ['console-token-0123456789'],
    heartbeatMs: 600_000,
    people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-zabbix-gw-')), 'journal.sqlite') },
    zabbix: { tokens: [MEDIA_TOKEN], url: zabbix.url, apiToken: tocsin.token },
  });
  probe = await FeedProbe.open(g.url, ANN);
  await configureTocsin(api, {
    gatewayUrl: `http://127.0.0.1:${g.port}`,
    token: MEDIA_TOKEN,
    zabbixUrl: 'https://zabbix.example.test/',
    groupid,
  });
  await trapperHost(api, groupid, 'web-1', 'Web server 1', KEY);
  ({
    triggerids: [triggerid],
  } = await api.call<{ triggerids: [string] }>('trigger.create', {
    description: 'Disk full on {HOST.NAME}',
    expression: `last(/web-1/${KEY})>=90`,
    opdata: 'Used: {ITEM.LASTVALUE1}%',
    priority: 4,
    tags: [{ tag: 'component', value: 'storage' }],
  }));
  console.log(`zabbix start: ${JSON.stringify(zabbix.timings)} ms`);
}, 120_000);

afterAll(async () => {
  await probe?.close();
  await g?.close();
  await zabbix?.stop();
}, 60_000);

const eventOf =
  (kind: string, after: number) =>
  (r: { frame: { type: string } }): boolean =>
    r.frame.type === 'event' &&
    (r.frame as EventFrame).event.source === 'zabbix' &&
    (r.frame as EventFrame).event.kind === kind &&
    (r.frame as EventFrame).seq > after;

/** What Zabbix did with its notifications, for a failure message. */
const deliveries = async () =>
  JSON.stringify(await zabbix.api.call('alert.get', { output: ['eventid', 'status', 'error', 'message', 'retries'] })) +
  `\nserver log:\n${zabbix.serverLog().slice(-3_000)}`;

async function waitEvent(kind: string, after: number, what: string) {
  try {
    return (await probe.waitFor(eventOf(kind, after), 20_000, what)).frame as EventFrame;
  } catch (error) {
    throw new Error(`${String(error)}\nalerts: ${await deliveries()}`);
  }
}

describe('Zabbix 6.0 (real server, PostgreSQL, frontend)', () => {
  it('a trigger flipped by a trapper value reaches the console through the media type, and resolves', async () => {
    const after = g.journal.bounds().last;
    const sent = Date.now();
    await zabbix.send('web-1', KEY, 95);
    const fired = await waitEvent('fired', after, 'the problem');
    const latency = fired.seq && Date.now() - sent;
    const [problem] = await zabbix.api.call<Array<{ eventid: string }>>('problem.get', { objectids: [triggerid] });
    expect(fired.event).toMatchObject({
      alertId: `zabbix:${problem!.eventid}`,
      alert: {
        title: 'Disk full on Web server 1',
        severity: 'high',
        host: 'Web server 1',
        labels: { component: 'storage', severity: 'high', alertname: 'Disk full on Web server 1' },
        url: `https://zabbix.example.test/tr_events.php?triggerid=${triggerid}&eventid=${problem!.eventid}`,
      },
    });
    console.log(`trapper value → console: ${latency} ms; body ${JSON.stringify(fired.event)}`);
    await zabbix.send('web-1', KEY, 40);
    await waitEvent('resolved', after, 'the resolution');
    expect(g.journal.alertState(`zabbix:${problem!.eventid}`)?.status).toBe('resolved');
  });
});
