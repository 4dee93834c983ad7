/**
 * Slow-loris and connection floods against the gateway and the browser console's server, both
 * real servers on 127.0.0.1 with short timeouts. Hostile peers come from other loopback
 * addresses (127.0.0.2 …; all of 127/8 is this machine), the normal console from 127.0.0.1,
 * so the per-address cap can tell them apart. Each phase checks that the slow or idle
 * connections are cut within the configured timeouts, that every refusal is counted by reason,
 * and that a normal console connects meanwhile (or, when the whole server is full, as soon as
 * the flood is cut).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway } from '../../gateway/gateway.js';
import { checkingIntervalFor, type HttpEdgeLimits } from '../../common/node/http/http-edge.js';
import { SUBPROTOCOL } from '../../common/protocol/frames.js';
import { AccessGate } from '../../webshell/access.js';
import { startConsoleServer } from '../../webshell/server.js';
import { until } from '../support/until.js';

const LIMITS: HttpEdgeLimits = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  keepAliveTimeoutMs: 1000,
  maxConnections: 300,
  maxConnectionsPerAddress: 100,
  maxPendingUpgrades: 16,
  upgradeTimeoutMs: 1000,
};
/** Scheduling slack on a loaded 2-core machine; the cut itself is due by the timeout. */
const SLACK_MS = 250;
const EARLIEST_CUT_MS = LIMITS.headersTimeoutMs - checkingIntervalFor(LIMITS.headersTimeoutMs) - 50;
const TOKEN = 'slow-loris-token-0123456789';

type Peer = { socket: Socket; connectedAt: number; closedAt: number | null; received: string };
type Target = {
  port: number;
  rejected: () => Record<string, number>;
  lines: string[];
  /** A real client of this server doing its normal opening; resolves with how long it took. */
  normalConsole(): Promise<number>;
  close(): Promise<void>;
};

/** Open `count` raw connections from `from` to 127.0.0.1:port; refused ones come back already closing. */
async function dial(port: number, from: string, count: number): Promise<Peer[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Peer>((resolve) => {
          const peer: Peer = {
            socket: connect({ port, host: '127.0.0.1', localAddress: from }),
            connectedAt: Date.now(),
            closedAt: null,
            received: '',
          };
          peer.socket.on('data', (chunk) => (peer.received += chunk.toString()));
          peer.socket.on('error', () => {});
          peer.socket.on('close', () => (peer.closedAt = Date.now()));
          peer.socket.once('connect', () => {
            peer.connectedAt = Date.now();
            resolve(peer);
          });
          peer.socket.once('close', () => resolve(peer));
        }),
    ),
  );
}
const lifetimes = (peers: Peer[]) => peers.map((p) => p.closedAt! - p.connectedAt);
const allClosed = (peers: Peer[]) => peers.every((p) => p.closedAt !== null);
const refusalLines = (lines: string[], reason: string) =>
  lines.filter((l) => l.startsWith(`refused (${reason})`)).length;

async function gatewayTarget(): Promise<Target> {
  const lines: string[] = [];
  const gateway = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [TOKEN],
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-loris-')), 'journal.sqlite') },
      http: LIMITS,
    },
    { log: (line) => lines.push(line) },
  );
  return {
    port: gateway.port,
    lines,
    rejected: () => gateway.stats.rejected,
    close: () => gateway.close(),
    normalConsole: () =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
        ws.on('open', () =>
          ws.send(
            JSON.stringify({
              type: 'hello',
              v: 1,
              client: { name: 'loris-test', version: '0' },
              resume: { alerts: 0 },
            }),
          ),
        );
        ws.on('message', (data) => {
          if ((JSON.parse(data.toString()) as { type: string }).type !== 'welcome') return;
          ws.close();
          ws.once('close', () => resolve(Date.now() - started));
        });
        ws.on('error', reject);
      }),
  };
}

async function consoleTarget(): Promise<Target> {
  const lines: string[] = [];
  const rendererDir = mkdtempSync(join(tmpdir(), 'tocsin-loris-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Tocsin</title>');
  // The core behind the page is not what is under test: it answers every call with an empty list.
  const core = {
    invoke: async () => ({ ok: true as const, value: [] }),
    onUpdate: () => () => {},
    setWindowState: () => {},
  };
  const server = await startConsoleServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    gate: new AccessGate(TOKEN, null),
    core,
    passwordMode: false,
    http: LIMITS,
    log: (line) => lines.push(line),
  });
  return {
    port: server.port,
    lines,
    rejected: () => server.stats.rejected,
    close: () => server.close(),
    normalConsole: async () => {
      const started = Date.now();
      // The page: its token buys a session cookie (no keep-alive, so nothing is left holding a slot).
      const cookie = await new Promise<string>((resolve, reject) => {
        request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: `/?token=${TOKEN}`,
            agent: false,
            headers: { connection: 'close' },
          },
          (response) => {
            response.resume();
            if (response.statusCode !== 200) reject(new Error(`GET / answered ${response.statusCode}`));
            else resolve(String(response.headers['set-cookie']).split(';')[0]!);
          },
        )
          .on('error', reject)
          .end();
      });
      // Then its /api socket, and one call answered.
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, {
          headers: { cookie, origin: `http://127.0.0.1:${server.port}` },
        });
        ws.on('open', () => ws.send(JSON.stringify({ id: 1, op: 'feedStatus', request: {} })));
        ws.on('message', (data) => {
          if ((JSON.parse(data.toString()) as { id?: number }).id !== 1) return;
          ws.close();
          ws.once('close', () => resolve());
        });
        ws.on('error', reject);
      });
      return Date.now() - started;
    },
  };
}

describe.each([
  [
    'gateway',
    gatewayTarget,
    'GET /v1/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n',
  ],
  [
    'browser console server',
    consoleTarget,
    'GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n',
  ],
] as const)('HTTP edge of the %s', (name, start, upgradeHead) => {
  it('cuts slow-loris and idle floods within the timeouts, counts every refusal, and keeps serving a normal console', async () => {
    const target = await start();
    const report: string[] = [];
    let dribble: NodeJS.Timeout | undefined;
    try {
      // 1. Slow-loris: 50 upgrade requests, one header byte every 250 ms.
      const loris = await dial(target.port, '127.0.0.2', 50);
      let sent = 0;
      dribble = setInterval(() => {
        for (const peer of loris)
          if (peer.closedAt === null && peer.socket.writable)
            peer.socket.write(upgradeHead[sent % upgradeHead.length]!);
        sent++;
      }, 250);
      const meanwhile = await target.normalConsole();
      await until(() => allClosed(loris), LIMITS.headersTimeoutMs + 2000, 'every slow-loris connection cut');
      clearInterval(dribble);
      const lorisLives = lifetimes(loris);
      report.push(
        `50 slow-loris connections all cut after ${Math.min(...lorisLives)}-${Math.max(...lorisLives)} ms (headersTimeout ${LIMITS.headersTimeoutMs}); normal console connected in ${meanwhile} ms meanwhile`,
      );
      expect(Math.max(...lorisLives)).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + SLACK_MS);
      expect(Math.min(...lorisLives)).toBeGreaterThanOrEqual(EARLIEST_CUT_MS);
      expect(loris.every((p) => p.received.startsWith('HTTP/1.1 408 Request Timeout'))).toBe(true);
      expect(target.rejected().http_timeout).toBe(50);

      // 2. A flood from one address: past the per-address cap the sockets are destroyed at once;
      // the 100 it may hold send nothing and are cut by the headers timeout.
      const flood = await dial(target.port, '127.0.0.3', 300);
      await until(
        () => flood.filter((p) => p.closedAt !== null).length >= 200,
        3000,
        'the flood past the per-address cap refused',
      );
      const duringFlood = await target.normalConsole();
      expect(target.rejected().conn_limit_per_address).toBe(200);
      const held = flood.filter((p) => p.closedAt === null || p.closedAt - p.connectedAt >= EARLIEST_CUT_MS);
      await until(() => allClosed(flood), LIMITS.headersTimeoutMs + 2000, 'the held flood cut');
      expect(held).toHaveLength(100);
      expect(Math.max(...lifetimes(held))).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + SLACK_MS);
      expect(target.rejected().http_timeout).toBe(150);
      report.push(
        `flood of 300 from one address: 200 refused at once (conn_limit_per_address), 100 held then cut after ${Math.max(...lifetimes(held))} ms at most; normal console connected in ${duringFlood} ms meanwhile`,
      );

      // 3. A flood from four addresses, each under its cap, past the total: the extra are dropped
      // at accept; the server is full until the headers timeout cuts the idle ones.
      // The normal console's sockets close on the server a moment after they do here.
      await new Promise((r) => setTimeout(r, 200));
      const spread = (
        await Promise.all(
          ['127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'].map((from) => dial(target.port, from, 100)),
        )
      ).flat();
      await until(() => (target.rejected().conn_limit_total ?? 0) >= 100, 3000, 'the flood past the total cap dropped');
      const floodStarted = Math.min(...spread.map((p) => p.connectedAt));
      await until(() => allClosed(spread), LIMITS.headersTimeoutMs + 2000, 'the spread flood cut');
      const recovered = await target.normalConsole();
      const recoveredAfter = Date.now() - floodStarted;
      expect(target.rejected().conn_limit_total).toBe(100);
      expect(target.rejected().conn_limit_per_address).toBe(200);
      expect(Math.max(...lifetimes(spread))).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + SLACK_MS);
      expect(recoveredAfter).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + SLACK_MS + 1000);
      report.push(
        `flood of 400 from four addresses: 100 dropped at accept (conn_limit_total), 300 cut after ${Math.max(...lifetimes(spread))} ms at most; normal console connected ${recoveredAfter} ms after the flood began (in ${recovered} ms)`,
      );
    } finally {
      clearInterval(dribble);
      await target.close();
    }
    // 650 refusals, a handful of log lines: the first of each reason, then summaries.
    for (const reason of ['http_timeout', 'conn_limit_per_address', 'conn_limit_total'])
      expect(refusalLines(target.lines, reason)).toBeLessThanOrEqual(2);
    console.log(
      `slow-loris, ${name}: ${report.join('; ')}; ${target.lines.filter((l) => l.startsWith('refused (')).length} log lines for ${Object.values(target.rejected()).reduce((a, b) => a + b, 0)} refusals`,
    );
  }, 30_000);
});
