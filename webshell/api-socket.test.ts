import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Result, UiUpdate } from '../common/api/contract.js';
import { ConsoleMessageSchema } from '../common/api/page-socket.js';
import type { WindowState } from '../common/window-state.js';
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

const core = (invoke: CoreEndpoint['invoke']): CoreEndpoint => ({
  invoke,
  onUpdate: (_: (u: UiUpdate) => void) => () => {},
  setWindowState: () => {},
});
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

  it('answers every message with one the page socket schema accepts: a reply, an error, or nothing for {window}', async () => {
    const windows: WindowState[] = [];
    const { bridge, ws, next, received } = await page({
      ...core(answer),
      setWindowState: (state) => windows.push(state),
    });
    ws.send(JSON.stringify({ window: { visible: true, minimized: false, focused: true } }));
    ws.send(JSON.stringify({ id: 1, op: 'launchMissiles', request: {} }));
    expect(await next(1)).toEqual({
      id: 1,
      result: { ok: false, code: 'invalid_request', message: 'unknown operation "launchMissiles"' },
    });
    expect(windows).toEqual([{ visible: true, minimized: false, focused: true }]);
    for (const bad of [
      '{"id":-1,"op":"feedStatus","request":{}}',
      '{"window":{"visible":"yes"}}',
      'not json',
      '[]',
      JSON.stringify({ id: 2, op: 'x'.repeat(65), request: {} }),
    ])
      ws.send(bad);
    ws.send(JSON.stringify({ id: 3, op: 'feedStatus', request: {} }));
    expect(await next(7)).toEqual({ id: 3, result: { ok: true, value: 'pong' } });
    expect(received.slice(1, 6)).toEqual(
      Array(5).fill({ error: 'malformed message: expected {id, op, request} or {window}' }),
    );
    expect(bridge.rejections).toMatchObject({ malformed: 5, unknown_op: 1 });
    for (const message of received)
      expect(ConsoleMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(true);
    ws.close();
  });

  it('pushes updates to every page in a shape the page socket schema accepts', async () => {
    let push: (update: UiUpdate) => void = () => {};
    const { ws, next } = await page({ ...core(answer), onUpdate: (listener) => ((push = listener), () => {}) });
    const update: UiUpdate = {
      alerts: [],
      metrics: [{ series: 'h/s/cpu', metric: 'cpu', t: 1, value: 0.5 }],
      feeds: [],
    };
    push(update);
    const message = await next(1);
    expect(message).toEqual({ update });
    expect(ConsoleMessageSchema.parse(message)).toEqual({ update });
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
