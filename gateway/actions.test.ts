/** Console actions against a real gateway: idempotent, broadcast to every console, durable across a restart. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AlertEvent } from '../common/protocol/alert.js';
import { SUBPROTOCOL, type ServerFrame } from '../common/protocol/frames.js';
import { startGateway, type Gateway } from './gateway.js';
import { ActionDesk, actorFor } from './actions.js';
import { until as waitUntil } from '../tests/support/until.js';

const TOKEN = 'actions-test-token-0123456789';
const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
const journalPath = () => join(mkdtempSync(join(tmpdir(), 'tocsin-actions-')), 'j.sqlite');
async function gateway(path = journalPath()): Promise<Gateway> {
  const g = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal: { path } });
  open.push(g);
  return g;
}
const fired: AlertEvent = {
  kind: 'fired',
  alertId: 'db-down',
  source: 'test',
  at: 1_000,
  alert: { title: 'db down', body: '', severity: 'critical', category: 'outage', labels: {}, startsAt: 1_000 },
};

/** A console that is live and records every frame it receives. */
async function consoleClient(
  url: string,
): Promise<{ ws: WebSocket; frames: ServerFrame[]; until(test: (f: ServerFrame[]) => boolean): Promise<void> }> {
  const ws = new WebSocket(url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
  open.push({ close: () => ws.terminate() });
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as ServerFrame));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'test', version: '0' }, resume: {} }));
  const until = (test: (f: ServerFrame[]) => boolean) =>
    waitUntil(
      () => test(frames),
      3_000,
      () => `frames so far: ${frames.map((f) => f.type).join(',')}`,
      10,
    );
  await until((f) => f.some((x) => x.type === 'live'));
  return { ws, frames, until };
}
const ack = (id: string) =>
  JSON.stringify({
    type: 'action',
    id,
    alertId: 'db-down',
    by: 'ann',
    request: { action: 'acknowledge', comment: 'on it' },
  });
const results = (frames: ServerFrame[]) => frames.filter((f) => f.type === 'action_result');
const kinds = (frames: ServerFrame[]) => frames.flatMap((f) => (f.type === 'event' ? [f.event.kind] : []));

describe('console actions', () => {
  it('become one journaled event that every console receives, then an action_result to the sender', async () => {
    const g = await gateway();
    await g.sink.publish([{ event: fired }]);
    const [a, b] = [await consoleClient(g.url), await consoleClient(g.url)];
    a.ws.send(ack('action-0001'));
    await a.until((f) => results(f).length === 1);
    await b.until((f) => kinds(f).includes('acknowledged'));
    expect(results(a.frames)[0]).toEqual({ type: 'action_result', id: 'action-0001', ok: true, seq: 2 });
    expect(b.frames.find((f) => f.type === 'event' && f.seq === 2)).toMatchObject({
      // A plain token: the gateway attributes the action to "console", not to the `by` the console sent.
      event: { kind: 'acknowledged', by: 'console', comment: 'on it', actionId: 'action-0001' },
    });
    expect(results(b.frames)).toHaveLength(0);
  });

  it('apply an idempotency key once: a repeat, even sent at the same time or after a restart, gets the same answer and no second event', async () => {
    const path = journalPath();
    const g = await gateway(path);
    await g.sink.publish([{ event: fired }]);
    let calls = 0;
    g.addActionHandler({
      source: 'test',
      onAction: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 50));
      },
    });
    const a = await consoleClient(g.url);
    a.ws.send(ack('action-0002'));
    a.ws.send(ack('action-0002')); // while the first is still with the source
    await a.until((f) => results(f).length === 2);
    a.ws.send(ack('action-0002'));
    await a.until((f) => results(f).length === 3);
    expect(results(a.frames)).toEqual(Array(3).fill({ type: 'action_result', id: 'action-0002', ok: true, seq: 2 }));
    expect(calls).toBe(1);
    expect(g.journal.bounds().last).toBe(2);
    await g.close();
    open.splice(open.indexOf(g), 1);

    const restarted = await gateway(path);
    const c = await consoleClient(restarted.url);
    c.ws.send(ack('action-0002'));
    await c.until((f) => results(f).length === 1);
    expect(results(c.frames)[0]).toEqual({ type: 'action_result', id: 'action-0002', ok: true, seq: 2 });
    expect(restarted.journal.bounds().last).toBe(2);
  });

  it('answer unknown alerts and failing sources without an event', async () => {
    const g = await gateway();
    await g.sink.publish([{ event: fired }]);
    g.addActionHandler({
      source: 'test',
      onAction: async () => {
        throw new Error('silence API down');
      },
    });
    const a = await consoleClient(g.url);
    a.ws.send(
      JSON.stringify({
        type: 'action',
        id: 'action-0003',
        alertId: 'nope',
        by: 'ann',
        request: { action: 'comment', comment: 'x' },
      }),
    );
    a.ws.send(ack('action-0004'));
    await a.until((f) => results(f).length === 2);
    expect(results(a.frames)).toEqual([
      expect.objectContaining({ id: 'action-0003', ok: false, code: 'unknown_alert' }),
      expect.objectContaining({
        id: 'action-0004',
        ok: false,
        code: 'source_failed',
        message: 'test: silence API down',
      }),
    ]);
    expect(g.journal.bounds().last).toBe(1);
  });

  it("are attributed to the actor the session gives, also towards the source, never to the frame's by", async () => {
    const g = await gateway();
    await g.sink.publish([{ event: fired }]);
    const seen: string[] = [];
    const desk = new ActionDesk(
      g.journal,
      async (event) => (await g.journal.append([{ event }]))[0]!,
      new Map([
        ['test', { source: 'test', onAction: async (_a: unknown, _b: unknown, by: string) => void seen.push(by) }],
      ]),
      () => 5_000,
    );
    const frame = {
      type: 'action' as const,
      id: 'action-0005',
      alertId: 'db-down',
      by: 'mallory',
      request: { action: 'snooze' as const, until: 9_000 },
    };
    expect(await desk.apply(frame, actorFor({ id: 'ann', name: 'Ann Example' }))).toMatchObject({ ok: true, seq: 2 });
    expect(JSON.parse(g.journal.readAfter(1, 1)[0]!.frame).event).toEqual({
      kind: 'snoozed',
      alertId: 'db-down',
      source: 'test',
      at: 5_000,
      by: 'Ann Example',
      byId: 'ann',
      actionId: 'action-0005',
      until: 9_000,
    });
    expect(await desk.apply({ ...frame, id: 'action-0006' })).toMatchObject({ ok: true, seq: 3 });
    expect(JSON.parse(g.journal.readAfter(2, 1)[0]!.frame).event).toMatchObject({ by: 'console' });
    expect(seen).toEqual(['Ann Example', 'console']);
  });
});
