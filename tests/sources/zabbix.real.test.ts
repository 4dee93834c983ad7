/**
 * The Zabbix source against a real Zabbix 6.0 (Debian's server, PostgreSQL and PHP frontend,
 * started by tests/support/zabbix.ts), set up as docs/sources.md says: the media type shipped in
 * deploy/zabbix imported with `configuration.import` and run BY ZABBIX (its alerter, Duktape,
 * real macro values) for a trapper item's trigger; the media on the gateway's own API user, a
 * "User role" user with read access to the hosts, sharing a user group with the operators.
 * A console sees the problem, its resolution, and what an operator does in Zabbix; an ack in
 * Tocsin reaches Zabbix through `event.acknowledge` with the gateway's API token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '../../common/protocol/frames.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { ZabbixApi } from '../../gateway/sources/zabbix/api.js';
import { FeedProbe } from '../support/real-monitoring.js';
import { until } from '../support/until.js';
import {
  configureTocsin,
  startZabbix,
  trapperHost,
  USER_PASSWORD,
  userGroup,
  zabbixUser,
  ZabbixRpc,
  type RealZabbix,
} from '../support/zabbix.js';

const ANN = 'ann-laptop-token-0123456789';
const MEDIA_TOKEN = 'zabbix-media-token-0123456789';
const KEY = 'tocsin.disk.used';
const journalDir = mkdtempSync(join(tmpdir(), 'tocsin-zabbix-gw-'));
let zabbix: RealZabbix;
let g: Gateway;
let probe: FeedProbe;
let groupid: string;
let triggerid: string;
/** An operator working in Zabbix, logged in with user and password (a session in `auth`). */
let bob: ZabbixRpc;
let tocsinUserid: string;

beforeAll(async () => {
  zabbix = await startZabbix();
  const { api } = zabbix;
  groupid = (await api.call<{ groupids: string[] }>('hostgroup.create', { name: 'Tocsin test' })).groupids[0]!;
  const operators = await userGroup(api, 'Web operators', groupid, 2);
  const tocsin = await zabbixUser(api, {
    username: 'tocsin',
    name: 'Tocsin',
    surname: 'gateway',
    usrgrpids: [operators],
    token: true,
  });
  tocsinUserid = tocsin.userid;
  await zabbixUser(api, { username: 'bob', name: 'Bob', surname: 'Operator', usrgrpids: [operators] });
  bob = await new ZabbixRpc(zabbix.url).login('bob', USER_PASSWORD);
  g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: ['console-token-0123456789'],
    heartbeatMs: 600_000,
    people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    journal: { path: join(journalDir, 'journal.sqlite') },
    zabbix: { tokens: [MEDIA_TOKEN], url: zabbix.url, apiToken: tocsin.token },
  });
  probe = await FeedProbe.open(g.url, ANN);
  await configureTocsin(api, {
    gatewayUrl: `http://127.0.0.1:${g.port}`,
    token: MEDIA_TOKEN,
    zabbixUrl: 'https://zabbix.example.test/',
    groupid,
    userid: tocsin.userid,
  });
  await trapperHost(api, groupid, 'web-1', 'Web server 1', KEY);
  ({
    triggerids: [triggerid],
  } = await api.call<{ triggerids: [string] }>('trigger.create', {
    description: 'Disk full on {HOST.NAME}',
    expression: `last(/web-1/${KEY})>=90`,
    opdata: 'Used: {ITEM.LASTVALUE1}%',
    priority: 4,
    manual_close: 1,
    tags: [{ tag: 'component', value: 'storage' }],
  }));
}, 120_000);

afterAll(async () => {
  await probe?.close();
  await g?.close();
  await zabbix?.stop();
  rmSync(journalDir, { recursive: true, force: true });
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
    return await probe.waitFor(eventOf(kind, after), 20_000, what);
  } catch (error) {
    throw new Error(`${String(error)}\nalerts: ${await deliveries()}`);
  }
}

const latencies: number[] = [];

/** A trapper value that opens a problem: its event id, alert id and fired event. */
async function raise(value: number) {
  const problems = () => zabbix.api.call<unknown[]>('problem.get', { objectids: [triggerid] });
  if ((await problems()).length > 0) await zabbix.send('web-1', KEY, 40); // left open by a failed test
  const after = g.journal.bounds().last;
  let sent = Date.now();
  await zabbix.send('web-1', KEY, value);
  // The first value can reach the configuration cache's item before its trigger: then it opens nothing.
  for (let i = 0; i < 10 && (await problems()).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((await problems()).length > 0) break;
    sent = Date.now();
    await zabbix.send('web-1', KEY, value);
  }
  const fired = await waitEvent('fired', after, `the problem of value ${value}`);
  latencies.push(fired.at - sent);
  const alertId = (fired.frame as EventFrame).event.alertId;
  return { eventid: alertId.slice('zabbix:'.length), alertId, fired: (fired.frame as EventFrame).event };
}

/** A trapper value that clears the problem; waits for the resolve. */
async function clear(alertId: string) {
  const after = g.journal.bounds().last;
  const sent = Date.now();
  await zabbix.send('web-1', KEY, 40);
  latencies.push((await waitEvent('resolved', after, 'the resolution')).at - sent);
  expect(g.journal.alertState(alertId)?.status).toBe('resolved');
}

let actions = 0;
/** Acknowledge or unacknowledge in Tocsin as Ann; the action's result frame. */
async function tocsinAction(alertId: string, action: 'acknowledge' | 'unacknowledge', comment?: string) {
  const id = `zabbix-action-${++actions}`;
  probe.send({ type: 'action', id, alertId, by: 'ignored', request: { action, ...(comment ? { comment } : {}) } });
  return (await probe.waitFor((r) => r.frame.type === 'action_result' && (r.frame as { id: string }).id === id, 15_000))
    .frame;
}

type ZabbixEvent = {
  acknowledged: string;
  acknowledges: Array<{ action: string; message: string; username: string; name: string; surname: string }>;
};
const zabbixEvent = async (eventid: string) =>
  (await zabbix.api.call<ZabbixEvent[]>('event.get', { eventids: [eventid], select_acknowledges: 'extend' }))[0]!;

/** Wait until Zabbix has sent `count` notifications of problem `eventid` (a recovery's is under `p_eventid`). */
async function delivered(eventid: string, count: number) {
  const sent = async () =>
    (
      await zabbix.api.call<Array<{ status: string; eventid: string; p_eventid: string }>>('alert.get', {
        output: ['status', 'eventid', 'p_eventid'],
      })
    ).filter((a) => a.status === '1' && (a.eventid === eventid || a.p_eventid === eventid)).length;
  await until(
    async () => (await sent()) >= count,
    20_000,
    async () => `${count} deliveries: ${await deliveries()}`,
  );
}

const kindsOf = (alertId: string) =>
  probe
    .events()
    .filter((r) => r.frame.event.alertId === alertId)
    .map((r) => r.frame.event.kind);

// Zabbix's task manager sends update notifications every 5 s: a test with updates takes 10–20 s.
describe('Zabbix 6.0 (real server, PostgreSQL, frontend)', { timeout: 90_000 }, () => {
  it('a trigger flipped by a trapper value reaches the console through the media type, and resolves', async () => {
    const { eventid, alertId, fired } = await raise(95);
    const [problem] = await zabbix.api.call<Array<{ eventid: string }>>('problem.get', { objectids: [triggerid] });
    expect(problem!.eventid).toBe(eventid);
    expect(fired).toMatchObject({
      source: 'zabbix',
      alert: {
        title: 'Disk full on Web server 1',
        // {EVENT.OPDATA}, then {ALERT.MESSAGE}: the media type's problem template, as Zabbix resolved it.
        body: 'Used: 95%\nDisk full on Web server 1 on Web server 1: Used: 95%',
        severity: 'high',
        category: 'capacity',
        host: 'Web server 1',
        labels: { component: 'storage', severity: 'high', alertname: 'Disk full on Web server 1' },
        url: `https://zabbix.example.test/tr_events.php?triggerid=${triggerid}&eventid=${eventid}`,
      },
    });
    await clear(alertId);
    await delivered(eventid, 2);
    expect(kindsOf(alertId)).toEqual(['fired', 'resolved']);
  });

  it('an ack in Tocsin acknowledges in Zabbix, naming the person; an operator commenting right after is heard', async () => {
    const { eventid, alertId } = await raise(96);
    expect(await tocsinAction(alertId, 'acknowledge', 'swapping the disk')).toMatchObject({ ok: true });
    const acked = await zabbixEvent(eventid);
    expect(acked.acknowledged).toBe('1');
    expect(acked.acknowledges).toEqual([
      expect.objectContaining({
        action: '6', // acknowledge + message
        message: 'Acknowledged in Tocsin by Ann Example: swapping the disk',
        username: 'tocsin',
      }),
    ]);
    expect(await tocsinAction(alertId, 'unacknowledge')).toMatchObject({ ok: true });
    expect((await zabbixEvent(eventid)).acknowledged).toBe('0');
    // Within a minute of Tocsin's own update, an operator's comment is not mistaken for its echo.
    const after = g.journal.bounds().last;
    await bob.call('event.acknowledge', { eventids: [eventid], action: 4, message: 'need a hand?' });
    expect((await waitEvent('commented', after, "the operator's comment")).frame).toMatchObject({
      event: { alertId, by: 'Bob Operator (bob)', comment: 'need a hand?' },
    });
    // Zabbix notifies no one of their own update: with the media on the API user, Tocsin's acks come back never.
    await clear(alertId);
    await delivered(eventid, 3);
    const alerts = await zabbix.api.call<Array<{ message: string; userid: string }>>('alert.get', {
      eventids: [eventid],
      output: ['message', 'userid'],
    });
    expect(alerts.filter((a) => a.userid === tocsinUserid).map((a) => a.message)).toEqual([
      'Disk full on Web server 1 on Web server 1: Used: 96%',
      'Bob Operator (bob) commented the problem: need a hand?',
    ]);
    expect(kindsOf(alertId)).toEqual(['fired', 'acknowledged', 'unacknowledged', 'commented', 'resolved']);
  });

  it('acks, comments and unacks made in Zabbix reach the console by their user; one outside the groups is unnamed', async () => {
    const { eventid, alertId } = await raise(97);
    const update = (rpc: ZabbixRpc, action: number, message?: string) =>
      rpc.call('event.acknowledge', { eventids: [eventid], action, ...(message ? { message } : {}) });
    const updates = (after: number) =>
      probe
        .events()
        .filter((r) => r.frame.seq > after && r.frame.event.alertId === alertId)
        .map((r) => r.frame.event as { kind: string; by?: string; comment?: string })
        .map(({ kind, by, comment }) => ({ kind, by, comment }));
    let after = g.journal.bounds().last;
    // Zabbix's task manager sends the notifications of updates every 5 s: three at once.
    await update(bob, 6, 'replacing the disk');
    await update(bob, 4, 'new disk ordered');
    await update(zabbix.api, 4, 'escalated');
    await until(
      () => updates(after).length >= 3,
      20_000,
      async () => `3 updates: ${await deliveries()}`,
    );
    expect(updates(after).sort((x, y) => x.comment!.localeCompare(y.comment!))).toEqual([
      // Admin shares no user group with the Tocsin user: Zabbix resolves {USER.FULLNAME} so.
      { kind: 'commented', by: 'Inaccessible user', comment: 'escalated' },
      { kind: 'commented', by: 'Bob Operator (bob)', comment: 'new disk ordered' },
      { kind: 'acknowledged', by: 'Bob Operator (bob)', comment: 'replacing the disk' },
    ]);
    after = g.journal.bounds().last;
    await update(bob, 16);
    await waitEvent('unacknowledged', after, 'the unack made in Zabbix');
    expect(updates(after)).toEqual([{ kind: 'unacknowledged', by: 'Bob Operator (bob)', comment: undefined }]);
    await clear(alertId);
    expect(kindsOf(alertId)).toEqual(['fired', 'acknowledged', 'commented', 'commented', 'unacknowledged', 'resolved']);
  });

  it('a problem closed in Zabbix resolves in Tocsin', async () => {
    const { eventid, alertId } = await raise(98);
    const after = g.journal.bounds().last;
    // Closing needs read-write access: Admin, whose "closed" update journals nothing, then the recovery.
    await zabbix.api.call('event.acknowledge', { eventids: [eventid], action: 1 });
    await waitEvent('resolved', after, 'the resolution of the closed problem');
    expect(kindsOf(alertId)).toEqual(['fired', 'resolved']);
    expect(await zabbix.api.call('problem.get', { objectids: [triggerid] })).toEqual([]);
  });

  it('a severity changed in Zabbix changes it in Tocsin, with the comment made with it', async () => {
    const { eventid, alertId } = await raise(94);
    expect(g.journal.alertState(alertId)).toMatchObject({ severity: 'high', labels: { severity: 'high' } });
    const firstSeq = g.journal.alertState(alertId)!.firstSeq;
    const after = g.journal.bounds().last;
    // Changing severity needs read-write access: Admin. 8 = change severity, 4 = add a message.
    await zabbix.api.call('event.acknowledge', {
      eventids: [eventid],
      action: 8 | 4,
      severity: 5,
      message: 'customers affected',
    });
    await waitEvent('commented', after, 'the comment made with the severity change');
    const changed = probe
      .events()
      .filter((r) => r.frame.seq > after && r.frame.event.alertId === alertId)
      .map((r) => r.frame.event);
    expect(changed).toEqual([
      expect.objectContaining({
        kind: 'fired',
        alert: expect.objectContaining({
          severity: 'critical',
          labels: expect.objectContaining({ severity: 'disaster' }),
        }) as unknown,
      }),
      expect.objectContaining({ kind: 'commented', comment: 'customers affected' }),
    ]);
    // The same incident, raised: its first seq stays, and the board shows it critical.
    expect(g.journal.alertState(alertId)).toMatchObject({ severity: 'critical', status: 'firing', firstSeq });
    await clear(alertId);
    expect(kindsOf(alertId)).toEqual(['fired', 'fired', 'commented', 'resolved']);
  });

  it('read access to the hosts is enough to acknowledge; a user without it is refused', async () => {
    const { eventid, alertId } = await raise(99);
    const outsider = await zabbixUser(zabbix.api, {
      username: 'outsider',
      name: 'Out',
      surname: 'Sider',
      usrgrpids: [await userGroup(zabbix.api, 'No hosts')],
      token: true,
    });
    const api = new ZabbixApi({ url: zabbix.url, apiToken: outsider.token, timeoutMs: 10_000 });
    await expect(api.acknowledge(eventid, true, 'not mine')).rejects.toThrow(/No permissions to referred object/);
    expect((await zabbixEvent(eventid)).acknowledged).toBe('0');
    // Through the gateway, whose user has read access only (the ack in test 2 proved it can).
    expect(await tocsinAction(alertId, 'acknowledge')).toMatchObject({ ok: true });
    expect((await zabbixEvent(eventid)).acknowledges[0]).toMatchObject({
      message: 'Acknowledged in Tocsin by Ann Example',
    });
    await clear(alertId);
  });
});

afterAll(() => {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `zabbix: start ${JSON.stringify(zabbix?.timings)} ms; trapper value → console: ${sorted.length} changes, ` +
      `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms (${sorted.join(', ')})`,
  );
});
