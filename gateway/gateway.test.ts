import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AlertEvent } from '../common/protocol/alert.js';
import { SUBPROTOCOL, type ServerFrame } from '../common/protocol/frames.js';
import { startGateway, type Gateway } from './gateway.js';

const TOKEN = 'test-token-0123456789';
const open: Gateway[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

async function gateway(overrides: Record<string, unknown> = {}): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-gw-'));
  const g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: join(dir, 'journal.sqlite') },
    ...overrides,
  });
  open.push(g);
  return g;
}

const fired = (n: number): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at: Date.now(),
  alert: {
    title: `alert ${n}`,
    body: '',
    severity: 'high',
    category: 'outage',
    labels: {},
    startsAt: 1_700_000_000_000,
  },
});

/** A raw protocol client that collects frames until `until` says stop. */
function collect(
  url: string,
  resume: number,
  until: (frames: ServerFrame[]) => boolean,
  token = TOKEN,
  texts: string[] = [],
): Promise<ServerFrame[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` } });
    const frames: ServerFrame[] = [];
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ type: 'hello', v: 1, client: { name: 'test', version: '0' }, resume: { alerts: resume } }),
      ),
    );
    ws.on('message', (data) => {
      texts.push(data.toString());
      frames.push(JSON.parse(data.toString()) as ServerFrame);
      if (until(frames)) {
        ws.close();
        resolve(frames);
      }
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
const events = (frames: ServerFrame[]) =>
  frames.filter((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event');

describe('gateway feed', () => {
  it('refuses a missing or wrong token with 401 before the WebSocket handshake', async () => {
    const g = await gateway();
    await expect(collect(g.url, 0, () => true, 'wrong-token-0123456789')).rejects.toThrow('HTTP 401');
    const noToken = new WebSocket(g.url);
    const status = await new Promise<number>((resolve) =>
      noToken.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
    expect(g.stats.rejected.upgrade_401).toBe(2);
  });

  it('refuses a browser Origin with 403', async () => {
    const g = await gateway();
    const ws = new WebSocket(g.url, SUBPROTOCOL, {
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' },
    });
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it('says why an upgrade was refused with the same JSON error body as every other answer', async () => {
    const g = await gateway();
    const refusal = (url: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: unknown }>((resolve) => {
        const ws = new WebSocket(url, SUBPROTOCOL, { headers });
        ws.on('error', () => {});
        ws.on('unexpected-response', (_q, res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
        });
      });
    expect(await refusal(g.url, { authorization: 'Bearer wrong-token-0123456789' })).toEqual({
      status: 401,
      body: { code: 'bad_token', error: 'a valid bearer token is required (wrong token)' },
    });
    expect(await refusal(g.url, { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' })).toEqual({
      status: 403,
      body: { code: 'forbidden_origin', error: 'origin https://evil.example not allowed' },
    });
    expect(await refusal(g.url.replace('/v1/feed', '/v2/feed'), { authorization: `Bearer ${TOKEN}` })).toEqual({
      status: 404,
      body: { code: 'no_route', error: 'no route GET /v2/feed: the feed is at /v1/feed' },
    });
    expect(g.stats.rejected).toMatchObject({ upgrade_401: 1, upgrade_403: 1, upgrade_404: 1 });
  });

  it('answers an unknown route 404, and a failing route 503, with a code and the reason', async () => {
    const g = await gateway();
    const missing = await fetch(`http://127.0.0.1:${g.port}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await missing.json()).toEqual({ code: 'no_route', error: 'no route GET /nowhere' });
    g.addRoute('GET', '/broken', () => Promise.reject(new Error('the source is down')));
    const broken = await fetch(`http://127.0.0.1:${g.port}/broken`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toEqual({ code: 'unavailable', error: 'unavailable: the source is down' });
    g.addRoute('GET', '/bug', () => {
      throw new TypeError('a bug');
    });
    // A route that throws synchronously is caught by the same boundary as one that rejects.
    expect((await fetch(`http://127.0.0.1:${g.port}/bug`)).status).toBe(503);
  });

  it('lets a configured origin in (a wall display page, say)', async () => {
    const g = await gateway({ allowedOrigins: ['https://wall.example'] });
    const ws = new WebSocket(g.url, SUBPROTOCOL, {
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://wall.example' },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.close();
  });

  it('resumes with exactly the events after the client cursor, in order, then says live', async () => {
    const g = await gateway();
    await g.sink.publish(Array.from({ length: 50 }, (_, i) => ({ event: fired(i + 1) })));
    const frames = await collect(g.url, 20, (f) => f.some((x) => x.type === 'live'));
    expect(frames[0]).toMatchObject({ type: 'welcome', streams: { alerts: { first: 1, last: 50 } } });
    expect(events(frames).map((f) => f.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
    expect(frames.at(-1)).toEqual({ type: 'live', stream: 'alerts', seq: 50 });
  });

  it('sends a snapshot of firing alerts and an explicit gap to a client outside the replay window', async () => {
    const g = await gateway({
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'j.sqlite'), maxEvents: 10 },
    });
    await g.sink.publish(Array.from({ length: 40 }, (_, i) => ({ event: fired(i + 1) })));
    await g.sink.publish([
      { event: { kind: 'resolved', alertId: 'a1', source: 'test', at: Date.now(), endsAt: Date.now() } },
    ]);
    await g.journal.trim(Date.now());
    expect(g.journal.bounds()).toEqual({ first: 32, last: 41 });
    const frames = await collect(g.url, 5, (f) => f.some((x) => x.type === 'live'));
    const snapshot = frames.find((f) => f.type === 'snapshot');
    const gap = frames.find((f) => f.type === 'gap');
    expect(snapshot && snapshot.type === 'snapshot' && snapshot.alerts.map((a) => a.alertId).sort()).toHaveLength(39);
    expect(gap).toEqual({ type: 'gap', stream: 'alerts', from: 6, to: 31, reason: 'outside_replay_window' });
    // Then the events still in the window, one by one, so the console's history keeps them.
    expect(events(frames).map((f) => f.seq)).toEqual([32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
    expect(frames.map((f) => f.type).indexOf('gap')).toBeLessThan(frames.map((f) => f.type).indexOf('event'));
  });

  it('splits a snapshot larger than one frame may be into snapshot frames of at most 1 MiB with the same seq', async () => {
    const g = await gateway({
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'j.sqlite'), maxEvents: 10 },
    });
    const bigAlert = (n: number): AlertEvent => {
      const event = fired(n) as Extract<AlertEvent, { kind: 'fired' }>;
      return { ...event, alert: { ...event.alert, body: 'b'.repeat(16_000) } };
    };
    await g.sink.publish(Array.from({ length: 200 }, (_, i) => ({ event: bigAlert(i + 1) }))); // about 3.2 MB of firing alerts
    await g.journal.trim(Date.now());
    const texts: string[] = [];
    const frames = await collect(g.url, 1, (f) => f.some((x) => x.type === 'live'), TOKEN, texts);
    const snapshots = frames.filter((f): f is Extract<ServerFrame, { type: 'snapshot' }> => f.type === 'snapshot');
    expect(snapshots.length).toBeGreaterThan(3);
    expect(new Set(snapshots.map((f) => f.seq))).toEqual(new Set([200]));
    expect(snapshots.flatMap((f) => f.alerts.map((a) => a.alertId)).sort()).toEqual(
      Array.from({ length: 200 }, (_, i) => `a${i + 1}`).sort(),
    );
    expect(
      Math.max(...texts.filter((t) => t.startsWith('{"type":"snapshot"')).map((t) => Buffer.byteLength(t))),
    ).toBeLessThanOrEqual(1024 * 1024);
    expect(frames.map((f) => f.type).lastIndexOf('snapshot')).toBeLessThan(frames.map((f) => f.type).indexOf('gap'));
  });

  it('journals a dedup key once: a repeated delivery gets null and no second event', async () => {
    const g = await gateway();
    expect(await g.sink.publish([{ event: fired(1), dedupKey: 'k1' }])).toEqual([1]);
    expect(
      await g.sink.publish([
        { event: fired(1), dedupKey: 'k1' },
        { event: fired(2), dedupKey: 'k2' },
      ]),
    ).toEqual([null, 2]);
  });

  it('ignores and counts unknown frame types, and closes 1009 on an oversized frame', async () => {
    const g = await gateway();
    const ws = new WebSocket(g.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} }));
    ws.send(JSON.stringify({ type: 'from-the-future', x: 1 }));
    ws.send('{not json');
    const errors: ServerFrame[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as ServerFrame;
      if (f.type === 'error') errors.push(f);
    });
    await new Promise((r) => setTimeout(r, 100));
    ws.send('x'.repeat(1024 * 1024 + 1));
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1009);
    expect(g.stats.rejected.too_big).toBe(1);
    expect(g.stats.rejected.unknown_type).toBe(1);
    expect(g.stats.rejected.malformed_json).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ type: 'error', code: 'malformed_json' })]);
  });

  it('starts the demo simulator whose first alert fires within a second', async () => {
    const g = await gateway({ demo: { enabled: true, seed: 7 } });
    const started = Date.now();
    const frames = await collect(g.url, 0, (f) => events(f).length > 0);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(events(frames)[0]!.event).toMatchObject({ kind: 'fired', source: 'demo' });
  });
});

describe('gateway start-up errors', () => {
  it('names the file it cannot open or read, and leaves nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-gw-'));
    await expect(
      startGateway({ tokens: [TOKEN], listen: { port: 0 }, journal: { path: join(dir, 'missing-dir', 'j.sqlite') } }),
    ).rejects.toThrow(`cannot open the gateway journal ${join(dir, 'missing-dir', 'j.sqlite')}`);
    await expect(
      startGateway({
        tokens: [TOKEN],
        listen: { port: 0 },
        journal: { path: join(dir, 'j.sqlite') },
        tls: { certFile: join(dir, 'nope.pem'), keyFile: join(dir, 'nope.key') },
      }),
    ).rejects.toThrow(`cannot read the gateway's TLS certificate ${join(dir, 'nope.pem')}`);
    const first = await gateway();
    await expect(
      startGateway({ tokens: [TOKEN], listen: { port: first.port }, journal: { path: join(dir, 'j2.sqlite') } }),
    ).rejects.toThrow(`gateway cannot listen on 127.0.0.1:${first.port}: listen EADDRINUSE`);
  });

  it('survives a route handler that throws synchronously, answering 503', async () => {
    const g = await gateway();
    g.addRoute('GET', '/boom', (() => {
      throw new Error('boom');
    }) as never);
    const response = await fetch(`http://127.0.0.1:${g.port}/boom`);
    expect(response.status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${g.port}/healthz`)).status).toBe(200);
  });
});
