/**
 * Attribution and presence over real WebSockets, through the pieces the gateway composes:
 * the upgrade decision with the directory, feed sessions, the action desk and the journal.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { systemClock } from '../../common/clock.js';
import { ServerStats } from '../../common/node/http/server-stats.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { SUBPROTOCOL, type ServerFrame } from '../../common/protocol/frames.js';
import { until } from '../../tests/support/until.js';
import { ActionDesk } from '../actions.js';
import { Journal } from '../journal/journal.js';
import { FeedSession } from '../server/feed-session.js';
import { decideUpgrade } from '../server/upgrade.js';
import { PeopleConfigSchema } from './config.js';
import { Directory } from './directory.js';
import { PresenceRegistry, type PersonPresence } from './presence.js';

const PLAIN = 'plain-console-token-0123456789';
const ANN_LAPTOP = 'ann-laptop-token-0123456789';
const ANN_WALL = 'ann-wallscreen-token-0123456789';
const BOB = 'bob-laptop-token-0123456789';
const people = PeopleConfigSchema.parse([
  { id: 'ann', name: 'Ann Example', tokens: [ANN_LAPTOP, ANN_WALL] },
  { id: 'bob', name: 'Bob Example', tokens: [BOB] },
]);
const fired: AlertEvent = {
  kind: 'fired',
  alertId: 'db-down',
  source: 'test',
  at: 1_000,
  alert: { title: 'db down', body: '', severity: 'critical', category: 'outage', labels: {}, startsAt: 1_000 },
};

const open: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A gateway of the real parts, wired as the gateway's composition root wires them. */
async function gateway() {
  const journal = new Journal({ path: ':memory:', maxEvents: 1000, maxAgeMs: 3600_000 });
  const directory = new Directory({ tokens: [PLAIN], people });
  const presence = new PresenceRegistry();
  const sessions = new Set<FeedSession>();
  const publish = (event: AlertEvent) => {
    const seq = journal.append([{ event }])[0]!;
    for (const session of sessions) session.notifyAppended();
    return seq;
  };
  const actions = new ActionDesk(journal, publish, new Map(), () => Date.now());
  const deps = {
    journal,
    clock: systemClock,
    stats: new ServerStats(),
    log: () => {},
    onAction: (frame: Parameters<ActionDesk['apply']>[0], actor: Parameters<ActionDesk['apply']>[1]) =>
      actions.apply(frame, actor),
    gateway: { name: 'test', version: '0' },
    limits: {
      heartbeatMs: 10_000,
      helloTimeoutMs: 10_000,
      softBufferBytes: 1 << 20,
      maxBufferBytes: 4 << 20,
      stallTimeoutMs: 30_000,
      maxFramesPerSecond: 200,
      maxInvalidFrames: 10,
    },
    presence,
  };
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', (request, socket, head) => {
    const decision = decideUpgrade(request, [PLAIN], [], directory);
    if (!decision.ok) return void socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const session = new FeedSession(ws, deps, 'test', decision.value);
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(async () => {
    for (const session of sessions) session.dispose();
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    journal.close();
  });
  publish(fired);
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/feed`, journal, presence };
}

/** A console that says hello and records what it receives. */
async function console_(url: string, token: string) {
  const ws = new WebSocket(url, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` } });
  open.push(() => ws.terminate());
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as ServerFrame));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} }));
  await until(() => frames.some((f) => f.type === 'live'), 3_000, 'live');
  const send = (frame: object) => ws.send(JSON.stringify(frame));
  const act = async (id: string, by: string) => {
    send({ type: 'action', id, alertId: 'db-down', by, request: { action: 'acknowledge' } });
    await until(() => frames.some((f) => f.type === 'action_result' && f.id === id), 3_000, `result of ${id}`);
    return frames.find((f) => f.type === 'action_result' && f.id === id);
  };
  return { ws, send, act };
}

describe('attribution', () => {
  it("journals an action by a console with Ann's device token as Ann, whatever the console claims", async () => {
    const g = await gateway();
    const ann = await console_(g.url, ANN_LAPTOP);
    expect(await ann.act('action-ann-1', 'mallory')).toMatchObject({ ok: true, seq: 2 });
    const [event] = g.journal.readAfter(1, 10);
    expect(JSON.parse(event!.frame).event).toMatchObject({
      kind: 'acknowledged',
      by: 'Ann Example',
      byId: 'ann',
      actionId: 'action-ann-1',
    });
    expect(g.journal.alertState('db-down')?.acknowledged).toMatchObject({ by: 'Ann Example' });
  });

  it('journals an action by a plain-token console as "console", with no person id', async () => {
    const g = await gateway();
    const plain = await console_(g.url, PLAIN);
    expect(await plain.act('action-plain-1', 'ann')).toMatchObject({ ok: true });
    const event = JSON.parse(g.journal.readAfter(1, 10)[0]!.frame).event as Record<string, unknown>;
    expect(event).toMatchObject({ kind: 'acknowledged', by: 'console' });
    expect(event).not.toHaveProperty('byId');
  });

  it('refuses a token that is neither plain nor a device token', async () => {
    const g = await gateway();
    await expect(console_(g.url, 'not-a-configured-token-000')).rejects.toThrow(/401/);
  });
});

describe('presence', () => {
  it("is watched while either of Ann's consoles is watched, and not connected once both close", async () => {
    const g = await gateway();
    const changes: PersonPresence[] = [];
    g.presence.onChange((change) => changes.push(change));
    const laptop = await console_(g.url, ANN_LAPTOP);
    const wall = await console_(g.url, ANN_WALL);
    await until(() => g.presence.consoles('ann').length === 2, 3_000, 'two consoles');
    // Connected, but never said: not known to be watched.
    expect(g.presence.isWatched('ann')).toBe(false);
    expect(g.presence.consoles('ann').map((c) => c.state)).toEqual([null, null]);

    laptop.send({ type: 'presence', state: 'hidden' });
    wall.send({ type: 'presence', state: 'watched' });
    await until(() => g.presence.isWatched('ann'), 3_000, 'watched');
    laptop.send({ type: 'presence', state: 'watched' });
    wall.send({ type: 'presence', state: 'locked' });
    await until(() => g.presence.consoles('ann')[1]?.state === 'locked', 3_000, 'wall locked');
    expect(g.presence.isWatched('ann')).toBe(true);
    laptop.send({ type: 'presence', state: 'idle' });
    await until(() => !g.presence.isWatched('ann'), 3_000, 'nobody watching');
    expect(g.presence.isWatched('bob')).toBe(false);

    laptop.ws.close();
    wall.ws.terminate();
    await until(() => !g.presence.isConnected('ann'), 3_000, 'both closed');
    expect(g.presence.consoles('ann')).toEqual([]);
    expect(changes.map((c) => `${c.connected}${c.watched ? 'W' : ''}`)).toEqual(['1', '2', '2W', '2', '1', '0']);
  });

  it('keeps plain-token consoles out of presence, and ignores their presence frames', async () => {
    const g = await gateway();
    const plain = await console_(g.url, PLAIN);
    plain.send({ type: 'presence', state: 'watched' });
    expect(await plain.act('action-after-presence', 'x')).toMatchObject({ ok: true });
    expect(g.presence.isConnected('ann')).toBe(false);
    expect(g.presence.summary('console')).toEqual({ personId: 'console', connected: 0, watched: false });
  });
});
