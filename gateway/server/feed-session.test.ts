/** Hostile and broken peers against a real gateway: each gets its documented answer and is counted. */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConsoleCore } from '../../main/core/console-core.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { CloseCode, SUBPROTOCOL } from '../../common/protocol/frames.js';
import { startGateway, type Gateway } from '../gateway.js';
import type { SqliteJournalBackend } from '../journal/sqlite-backend.js';

const TOKEN = 'session-test-token-0123456789';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
const dir = () => mkdtempSync(join(tmpdir(), 'tocsin-session-'));
async function gateway(extra: Record<string, unknown> = {}): Promise<Gateway> {
  const g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: join(dir(), 'j.sqlite') },
    ...extra,
  });
  open.push(g);
  return g;
}
function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` }, ...options });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
const hello = (ws: WebSocket) =>
  ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} }));
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
const big = (n: number, size: number): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at: Date.now(),
  alert: {
    title: `alert ${n}`,
    body: 'x'.repeat(size),
    severity: 'high',
    category: 'outage',
    labels: {},
    startsAt: Date.now(),
  },
});

describe('feed sessions under hostile input', () => {
  it('closes 1007 on invalid UTF-8', async () => {
    const g = await gateway();
    const ws = await connect(g.url);
    hello(ws);
    const code = closed(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await code).toBe(CloseCode.invalidPayload);
    expect(g.stats.rejected.invalid_utf8).toBe(1);
  });

  it('closes 4001 for a hello of another protocol version', async () => {
    const g = await gateway();
    const ws = await connect(g.url);
    const code = closed(ws);
    ws.send(JSON.stringify({ type: 'hello', v: 2, client: { name: 't', version: '9' }, resume: {} }));
    expect(await code).toBe(CloseCode.unsupportedVersion);
    expect(g.stats.rejected.unsupported_version).toBe(1);
  });

  it('closes 4000 when no hello arrives in time', async () => {
    const g = await gateway({ limits: { helloTimeoutMs: 200 } });
    const ws = await connect(g.url);
    expect(await closed(ws)).toBe(CloseCode.helloRequired);
  });

  it('closes a flooding client with 4003 and counts it', async () => {
    const g = await gateway({ limits: { maxFramesPerSecond: 50 } });
    const ws = await connect(g.url);
    hello(ws);
    const code = closed(ws);
    for (let i = 0; i < 500 && ws.readyState === ws.OPEN; i++) ws.send(JSON.stringify({ type: 'ping', t: i }));
    expect(await code).toBe(CloseCode.rateLimited);
    expect(g.stats.rejected.rate_limited).toBe(1);
  });

  it('closes a console that stops reading (4002), not mistaking it for a dead one', async () => {
    const g = await gateway({ heartbeatMs: 200, limits: { softBufferBytes: 64 * 1024, stallTimeoutMs: 600 } });
    for (let i = 0; i < 30; i++)
      await g.sink.publish(Array.from({ length: 100 }, (_, j) => ({ event: big(i * 100 + j, 4096) })));
    const ws = await connect(g.url);
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    hello(ws);
    socket.pause(); // stops reading (but keeps talking): the kernel buffers fill, then the gateway's send buffer
    const pinger = setInterval(() => ws.send(JSON.stringify({ type: 'ping', t: Date.now() })), 50);
    const started = Date.now();
    while (!g.stats.counters.slow_consumers && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 50));
    clearInterval(pinger);
    expect(g.stats.counters.slow_consumers).toBe(1);
    expect(g.stats.counters.heartbeat_timeouts).toBeUndefined();
    ws.terminate();
  });

  it('rejects a publish when the journal cannot write, and broadcasts nothing it did not store', async () => {
    const g = await gateway();
    const received: string[] = [];
    const ws = await connect(g.url);
    ws.on('message', (d) => received.push(JSON.parse(d.toString()).type as string));
    hello(ws);
    await g.sink.publish([{ event: big(1, 10) }]);
    const db = ((g.journal as SqliteJournalBackend).journal as unknown as { db: Database.Database }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`); // a full disk
    await expect(g.sink.publish(Array.from({ length: 50 }, (_, i) => ({ event: big(i + 2, 20_000) })))).rejects.toThrow(
      /full/,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(received.filter((t) => t === 'event')).toHaveLength(1);
    expect(g.journal.bounds().last).toBe(1);
  });
});

describe('TLS (wss)', () => {
  const certs = () => {
    const d = dir();
    for (const name of ['right', 'wrong']) {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(d, `${name}.key`),
          '-out',
          join(d, `${name}.pem`),
        ],
        { stdio: 'ignore' },
      );
    }
    return d;
  };

  it('connects only with the pinned public key; a wrong pin gets no upgrade (so never the token)', async () => {
    const d = certs();
    const g = await gateway({
      tls: { certFile: join(d, 'right.pem'), keyFile: join(d, 'right.key') },
      heartbeatMs: 500,
    });
    const pinOf = (name: string) =>
      execFileSync(
        'sh',
        [
          '-c',
          `openssl x509 -pubkey -noout -in ${join(d, name)} | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
        ],
        { encoding: 'utf8' },
      ).trim();
    const ca = readFileSync(join(d, 'right.pem'), 'utf8');
    const make = async (pin: string) => {
      const core = await ConsoleCore.open({
        dataDir: dir(),
        userName: 'ann',
        feeds: [{ id: 'f', name: 'pinned', url: g.url, token: TOKEN, ca, pin }],
      });
      open.push(core);
      return core;
    };
    const pinned = await make(pinOf('right.pem'));
    const mispinned = await make(pinOf('wrong.pem'));
    const state = async (core: ConsoleCore) => (await core.handlers.feedStatus({}))[0]!;
    const deadline = Date.now() + 5_000;
    while (
      ((await state(pinned)).state !== 'live' || (await state(mispinned)).state === 'connecting') &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 50));
    expect((await state(pinned)).state).toBe('live');
    expect(await state(mispinned)).toMatchObject({
      state: 'disconnected',
      lastError: expect.stringMatching(/does not match the pinned key/),
    });
    expect(g.sessions()).toBe(1);
  });

  it('connects a console that trusts the gateway CA, and refuses one that does not before the token is sent', async () => {
    const d = certs();
    const g = await gateway({
      tls: { certFile: join(d, 'right.pem'), keyFile: join(d, 'right.key') },
      heartbeatMs: 500,
    });
    expect(g.url).toMatch(/^wss:/);
    const make = async (ca: string) => {
      const core = await ConsoleCore.open({
        dataDir: dir(),
        userName: 'ann',
        feeds: [{ id: 'f', name: 'tls', url: g.url, token: TOKEN, ca: readFileSync(ca, 'utf8') }],
      });
      open.push(core);
      return core;
    };
    const trusted = await make(join(d, 'right.pem'));
    const untrusted = await make(join(d, 'wrong.pem'));
    const deadline = Date.now() + 5_000;
    const state = async (core: ConsoleCore) => (await core.handlers.feedStatus({}))[0]!;
    while ((await state(trusted)).state !== 'live' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    while ((await state(untrusted)).state === 'connecting' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await state(trusted)).state).toBe('live');
    expect(await state(untrusted)).toMatchObject({
      state: 'disconnected',
      lastError: expect.stringMatching(/self[- ]signed|certificate/i),
    });
    expect(g.sessions()).toBe(1); // the untrusted console never reached the upgrade, so never sent its token
    expect(g.stats.rejected.upgrade_401 ?? 0).toBe(0);
  });
});
