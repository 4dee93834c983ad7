import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Result, UiUpdate } from '../common/api/contract.js';
import { ApiSocketBridge, type CoreEndpoint } from './api-socket.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP server whose upgrades go to the bridge, and a page socket connected to it. */
async function page(core: CoreEndpoint) {
  const logs: string[] = [];
  const bridge = new ApiSocketBridge(core, (line) => logs.push(line));
  const server = createServer();
  servers.push(server);
  server.on('upgrade', (request, socket, head) => bridge.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
  const received: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise((resolve) => ws.once('open', resolve));
  const next = async (count: number) => {
    for (let i = 0; i < 200 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return received[count - 1];
  };
  return { bridge, ws, received, next, logs };
}

const core = (invoke: CoreEndpoint['invoke']): CoreEndpoint => ({ invoke, onUpdate: (_: (u: UiUpdate) => void) => () => {}, setWindowState: () => {} });
const answer = async (): Promise<Result<unknown>> => ({ ok: true, value: 'pong' });

describe('ApiSocketBridge', () => {
  it('refuses deeply nested messages with a reason, counts them, and answers the next call', async () => {
    const { bridge, ws, next } = await page(core(answer));
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    ws.send(`{"id":1,"op":"feedStatus","request":${deep(40)}}`);
    ws.send(`{"id":2,"op":${deep(100_000)},"request":{}}`);
    expect(await next(2)).toEqual({ error: 'malformed message: nested deeper than 32 levels (at character 44)' });
    expect(bridge.rejections.too_deep).toBe(2);
    ws.send(JSON.stringify({ id: 3, op: 'feedStatus', request: {} }));
    expect(await next(3)).toEqual({ id: 3, result: { ok: true, value: 'pong' } });
    ws.close();
  });

  it('closes 1011 on an error nobody expected, counts and logs it, and serves the next page', async () => {
    const failing = core(() => {
      throw new RangeError('could not clone the request');
    });
    const first = await page(failing);
    const closed = new Promise<number>((resolve) => first.ws.once('close', (code) => resolve(code)));
    first.ws.send(JSON.stringify({ id: 1, op: 'feedStatus', request: {} }));
    expect(await closed).toBe(1011);
    expect(first.bridge.rejections.internal_error).toBe(1);
    expect(first.logs).toEqual(['page socket: handling a message failed: could not clone the request']);
    const second = await page(core(answer));
    second.ws.send(JSON.stringify({ id: 1, op: 'feedStatus', request: {} }));
    expect(await second.next(1)).toEqual({ id: 1, result: { ok: true, value: 'pong' } });
    second.ws.close();
  });
});
