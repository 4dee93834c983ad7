import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { applyHttpEdge, checkingIntervalFor, RefusalLog, type HttpEdge, type HttpEdgeLimits } from './http-edge.js';
import { ServerStats } from './server-stats.js';

const LIMITS: HttpEdgeLimits = {
  headersTimeoutMs: 600,
  requestTimeoutMs: 1200,
  keepAliveTimeoutMs: 2000,
  maxConnections: 6,
  maxConnectionsPerAddress: 3,
  maxPendingUpgrades: 2,
  upgradeTimeoutMs: 1000,
};

const servers: Array<{ server: Server; edge: HttpEdge }> = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const { server, edge } of servers.splice(0)) {
    edge.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listening(limits: HttpEdgeLimits = LIMITS) {
  const server = createServer((_request, response) => response.end('ok'));
  const stats = new ServerStats();
  const lines: string[] = [];
  const edge = applyHttpEdge(server, limits, { stats, log: (line) => lines.push(line) });
  servers.push({ server, edge });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, edge, stats, lines, port: (server.address() as AddressInfo).port };
}

/** A raw TCP connection from `from` (any 127/8 address is this machine) to the server on 127.0.0.1. */
function open(port: number, from = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from }, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}
const closed = (socket: Socket) =>
  new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
const get = (socket: Socket) =>
  new Promise<string>((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });

describe('applyHttpEdge', () => {
  it('gives Node each timeout less one checking interval, so the cut falls within the configured timeout', () => {
    const server = createServer();
    const edge = applyHttpEdge(
      server,
      { ...LIMITS, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
      { stats: new ServerStats(), log: () => {} },
    );
    expect((server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval).toBe(1000);
    expect(server.headersTimeout).toBe(9000);
    expect(server.requestTimeout).toBe(29_000);
    expect(server.keepAliveTimeout).toBe(2000);
    expect(server.maxConnections).toBe(6);
    expect([checkingIntervalFor(100), checkingIntervalFor(600), checkingIntervalFor(60_000)]).toEqual([50, 60, 1000]);
    edge.dispose();
  });

  it('refuses to be applied to a listening server, or with headers allowed longer than the request', async () => {
    const { server } = await listening();
    expect(() => applyHttpEdge(server, LIMITS, { stats: new ServerStats(), log: () => {} })).toThrow(
      /before the server listens/,
    );
    expect(() =>
      applyHttpEdge(createServer(), { ...LIMITS, headersTimeoutMs: 2000 }, { stats: new ServerStats(), log: () => {} }),
    ).toThrow(/must not exceed/);
  });

  it('cuts a connection dribbling its headers within headersTimeoutMs, answers 408 and counts it', async () => {
    const { port, stats } = await listening();
    const socket = await open(port);
    const started = Date.now();
    const text = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    let i = 0;
    const drip = setInterval(() => socket.writable && socket.write(text[i++ % text.length]!), 50);
    const answer = await closed(socket);
    clearInterval(drip);
    const after = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout/);
    expect(after).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - checkingIntervalFor(LIMITS.headersTimeoutMs) - 20);
    expect(after).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + 150);
    expect(stats.rejected.http_timeout).toBe(1);
  });

  it('cuts a connection idle for most of the timeout and then dribbling, within headersTimeoutMs of connecting', async () => {
    const { port, stats } = await listening();
    const socket = await open(port);
    const started = Date.now();
    let drip: NodeJS.Timeout | undefined;
    const text = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    let i = 0;
    // Node's own check would start counting at this first byte and cut only ~600 ms after it.
    const wait = setTimeout(
      () => (drip = setInterval(() => socket.writable && socket.write(text[i++ % text.length]!), 50)),
      LIMITS.headersTimeoutMs - 150,
    );
    const answer = await closed(socket);
    clearTimeout(wait);
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout/);
    expect(Date.now() - started).toBeLessThanOrEqual(LIMITS.headersTimeoutMs + 150);
    expect(stats.rejected.http_timeout).toBe(1);
  });

  it('leaves a connection whose first request arrived in time to keep-alive, and serves its next request', async () => {
    const { port, stats } = await listening();
    const socket = await open(port);
    expect(await get(socket)).toMatch(/^HTTP\/1.1 200 OK/);
    await new Promise((r) => setTimeout(r, LIMITS.headersTimeoutMs + 100));
    expect(socket.destroyed).toBe(false);
    expect(await get(socket)).toMatch(/^HTTP\/1.1 200 OK/);
    expect(stats.rejected.http_timeout).toBeUndefined();
  });

  it('answers an unparsable request 400 and counts it', async () => {
    const { port, stats } = await listening();
    const socket = await open(port);
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    expect(await closed(socket)).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect(stats.rejected.http_bad_request).toBe(1);
  });

  it('destroys connections over the per-address cap, counts them, and still serves other addresses', async () => {
    const { port, stats, edge } = await listening();
    const flood = await Promise.all(Array.from({ length: 5 }, () => open(port, '127.0.0.2')));
    const outcomes = await Promise.all(
      flood.map((socket) =>
        Promise.race([closed(socket).then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 300))]),
      ),
    );
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(2);
    expect(stats.rejected.conn_limit_per_address).toBe(2);
    expect(edge.connections()).toBe(3);
    expect(await get(await open(port, '127.0.0.1'))).toMatch(/^HTTP\/1.1 200 OK/);
    // A slot freed by a close is free again.
    flood.find((s) => !s.destroyed)!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(await get(await open(port, '127.0.0.2'))).toMatch(/^HTTP\/1.1 200 OK/);
  });

  it('drops connections over the total cap at accept and counts them', async () => {
    const { port, stats } = await listening();
    const held = await Promise.all(
      ['127.0.0.3', '127.0.0.3', '127.0.0.4', '127.0.0.4', '127.0.0.5', '127.0.0.5'].map((from) => open(port, from)),
    );
    expect(held).toHaveLength(6);
    const extra = await open(port, '127.0.0.6');
    await closed(extra);
    expect(stats.rejected.conn_limit_total).toBe(1);
    expect(stats.rejected.conn_limit_per_address).toBeUndefined();
  });
});

/** A socket stand-in for the upgrade bookkeeping, which only writes, ends and closes it. */
function fakeSocket(): Duplex & { written: string[] } {
  const written: string[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk, _encoding, callback) {
      written.push(chunk.toString());
      callback();
    },
  });
  return Object.assign(socket, { written });
}

describe('pending upgrades', () => {
  const setup = () => {
    const clock = new ManualClock();
    const stats = new ServerStats();
    const edge = applyHttpEdge(createServer(), LIMITS, { stats, log: () => {}, clock });
    return { clock, stats, edge };
  };

  it('answers 503 beyond maxPendingUpgrades, and a completed handshake frees its slot', () => {
    const { stats, edge } = setup();
    const [a, b, c, d] = [fakeSocket(), fakeSocket(), fakeSocket(), fakeSocket()];
    const doneA = edge.admitUpgrade(a);
    expect(edge.admitUpgrade(b)).not.toBeNull();
    expect(edge.admitUpgrade(c)).toBeNull();
    expect(c.written.join('')).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
    expect(stats.rejected.upgrade_pending_limit).toBe(1);
    expect(edge.pendingUpgrades()).toBe(2);
    doneA!();
    doneA!();
    expect(edge.pendingUpgrades()).toBe(1);
    expect(edge.admitUpgrade(d)).not.toBeNull();
    edge.dispose();
  });

  it('destroys an upgrade whose handshake has not completed within upgradeTimeoutMs and counts it', () => {
    const { clock, stats, edge } = setup();
    const slow = fakeSocket();
    expect(edge.admitUpgrade(slow)).not.toBeNull();
    clock.advance(LIMITS.upgradeTimeoutMs - 1);
    expect(slow.destroyed).toBe(false);
    clock.advance(1);
    expect(slow.destroyed).toBe(true);
    expect(stats.rejected.upgrade_timeout).toBe(1);
    expect(edge.pendingUpgrades()).toBe(0);
  });

  it('frees the slot of an upgrade whose socket closes before its handshake', async () => {
    const { clock, stats, edge } = setup();
    const gone = fakeSocket();
    edge.admitUpgrade(gone);
    gone.destroy();
    await new Promise((r) => setImmediate(r));
    expect(edge.pendingUpgrades()).toBe(0);
    clock.advance(LIMITS.upgradeTimeoutMs);
    expect(stats.rejected.upgrade_timeout).toBeUndefined();
  });
});

describe('RefusalLog', () => {
  it('logs the first refusal of a reason at once, then one summary per interval however many follow', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = new RefusalLog((line) => lines.push(line), clock, 10_000);
    for (let i = 0; i < 1000; i++) log.note('conn_limit_total', `10.0.0.${i % 250}: full`);
    log.note('upgrade_timeout', '10.0.0.9: slow');
    expect(lines).toEqual(['refused (conn_limit_total) 10.0.0.0: full', 'refused (upgrade_timeout) 10.0.0.9: slow']);
    clock.advance(10_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('refused (conn_limit_total) 999 more since the last line; the latest 10.0.0.249: full');
    for (let i = 0; i < 5; i++) log.note('conn_limit_total', 'x: full');
    expect(lines).toHaveLength(3);
    clock.advance(10_000);
    expect(lines[3]).toBe('refused (conn_limit_total) 5 more since the last line; the latest x: full');
    clock.advance(30_000);
    log.note('conn_limit_total', 'y: full');
    expect(lines[4]).toBe('refused (conn_limit_total) y: full');
  });

  it('writes out a held-back summary on flush', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = new RefusalLog((line) => lines.push(line), clock, 10_000);
    log.note('http_timeout', 'a');
    log.note('http_timeout', 'b');
    log.flush();
    expect(lines).toEqual([
      'refused (http_timeout) a',
      'refused (http_timeout) 1 more since the last line; the latest b',
    ]);
    expect(clock.nextTimerAt()).toBeNull();
  });
});
