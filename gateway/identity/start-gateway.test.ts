/** People wired into a started gateway: a device token's actions carry its person, presence is kept. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBPROTOCOL } from '../../common/protocol/frames.js';
import { until } from '../../tests/support/until.js';
import { startGateway, type Gateway } from '../gateway.js';

const PLAIN = 'plain-console-token-0123456789';
const ANN = 'ann-laptop-token-0123456789';
let gateway: Gateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

function connect(token: string): Promise<{ ws: WebSocket; frames: Array<Record<string, unknown>> }> {
  const ws = new WebSocket(gateway!.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` } });
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} }));
      resolve({ ws, frames });
    });
    ws.once('error', reject);
  });
}

describe('a gateway with people', () => {
  it("journals a device token's action as its person whatever `by` says; a plain token acts as console", async () => {
    gateway = await startGateway({
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [PLAIN],
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-people-')), 'j.sqlite') },
      people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    });
    await gateway.sink.publish([
      {
        event: {
          kind: 'fired',
          alertId: 'db-down',
          source: 'test',
          at: Date.now(),
          alert: { title: 'db down', body: '', severity: 'critical', category: 'outage', labels: {}, startsAt: 1 },
        },
      },
    ]);
    const ann = await connect(ANN);
    await until(() => ann.frames.some((f) => f.type === 'live'), 5_000, 'live');
    expect(gateway.presence.isConnected('ann')).toBe(true);
    expect(gateway.presence.isWatched('ann')).toBe(false); // connected, but not known to be watched
    ann.ws.send(JSON.stringify({ type: 'presence', state: 'watched' }));
    await until(() => gateway!.presence.isWatched('ann'), 5_000, 'ann watched');
    const ack = { type: 'action', alertId: 'db-down', by: 'mallory', request: { action: 'acknowledge' } };
    ann.ws.send(JSON.stringify({ ...ack, id: 'ack-from-ann-1' }));
    await until(() => Boolean(gateway!.journal.alertState('db-down')?.acknowledged), 5_000, 'acknowledged');
    expect(gateway.journal.alertState('db-down')?.acknowledged).toMatchObject({ by: 'Ann Example' });
    const plain = await connect(PLAIN);
    await until(() => plain.frames.some((f) => f.type === 'live'), 5_000, 'live');
    plain.ws.send(
      JSON.stringify({
        type: 'action',
        id: 'comment-plain-1',
        alertId: 'db-down',
        by: 'ann',
        request: { action: 'comment', comment: 'x' },
      }),
    );
    await until(() => plain.frames.some((f) => f.type === 'action_result'), 5_000, 'comment result');
    const comment = gateway.journal
      .readAfter(0, 100)
      .map((e) => JSON.parse(e.frame) as { event: { kind: string; by?: string } })
      .find((f) => f.event.kind === 'commented');
    expect(comment?.event.by).toBe('console');
    ann.ws.close();
    await until(() => !gateway!.presence.isConnected('ann'), 5_000, 'ann gone');
    plain.ws.close();
  });

  it('refuses a team naming an unknown person, naming the field', async () => {
    await expect(
      startGateway({
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [PLAIN],
        journal: { path: ':memory:' },
        people: [{ id: 'ann', name: 'Ann', tokens: [ANN] }],
        teams: [{ id: 'dba', name: 'DBA', members: ['ann', 'zed'] }],
      }),
    ).rejects.toThrow(/teams\.0\.members\.1: no person with id zed/);
  });
});
