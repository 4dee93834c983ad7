/**
 * Hostile input: a bounded fuzzer sends mutated frames of every type to the gateway and to the
 * console's feed client (20,000 each; 1,000,000 under `npm run soak`), deep nesting in any field
 * among them, before and after hello. Neither crashes, every
 * rejection is counted with its reason, valid frames in between still work (the client stores
 * exactly the frames a correct client must accept), and the heap stays bounded. Invalid UTF-8 and oversized frames get their close codes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startGateway } from '../../gateway/gateway.js';
import { ConsoleCore } from '../../main/core/console-core.js';
import { decodeFrame } from '../../common/protocol/decode.js';
import { CloseCode, ServerFrameSchema, SUBPROTOCOL } from '../../common/protocol/frames.js';
import { mutate, prng } from './mutate.js';
import { scale, until } from './soak.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? scale(20_000, 1_000_000));
/** Time bounds grow with the frame count: the short run takes ~8 s a side here, so a million takes minutes. */
const BOUND_MS = Math.max(120_000, FRAMES * 2);
const TOKEN = 'fuzz-token-0123456789abcdef';
const heapMb = () => {
  global.gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};

describe('fuzzing', () => {
  it(
    `the gateway survives ${FRAMES} mutated frames, counting each rejection`,
    async () => {
      const gateway = await startGateway({
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [TOKEN],
        journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-fuzz-')), 'j.sqlite') },
        limits: { maxFramesPerSecond: 1_000_000, maxInvalidFrames: 1_000_000 },
      });
      const random = prng(7);
      const heapBefore = heapMb();
      const sentByKind: Record<string, number> = {};
      try {
        const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
        await new Promise((r) => ws.once('open', r));
        let pongs = 0;
        ws.on('message', (d) => JSON.parse(d.toString()).type === 'pong' && pongs++);
        // Before hello, the session must refuse and count as it does after.
        for (const frame of clientFrames(-1)) ws.send(mutate(frame, random).text);
        ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'fuzz', version: '0' }, resume: {} }));
        for (let i = 0; i < FRAMES; i++) {
          const frames = clientFrames(i);
          const m = mutate(frames[i % frames.length]!, random);
          sentByKind[m.name] = (sentByKind[m.name] ?? 0) + 1;
          ws.send(m.text);
          if (i % 1000 === 0) {
            ws.send(JSON.stringify({ type: 'ping', t: -1 })); // a valid frame in between still works
            while (ws.bufferedAmount > 4e6) await new Promise((r) => setTimeout(r, 5));
          }
        }
        ws.send(JSON.stringify({ type: 'ping', t: -2 }));
        await until(() => pongs >= Math.ceil(FRAMES / 1000) + 1, BOUND_MS, 'valid pings answered');
        const rejected = Object.values(gateway.stats.rejected).reduce((a, b) => a + b, 0);
        const health = await fetch(`http://127.0.0.1:${gateway.port}/healthz`);
        expect(health.status).toBe(200);
        expect(rejected).toBeGreaterThan(FRAMES * 0.5);
        expect(Object.keys(gateway.stats.rejected).sort()).toEqual(
          expect.arrayContaining(['invalid_frame', 'malformed_json', 'too_deep', 'unknown_type']),
        );
        expect(gateway.stats.rejected.internal_error).toBeUndefined();
        const growth = heapMb() - heapBefore;
        console.log(
          `gateway fuzz: ${FRAMES} frames ${JSON.stringify(sentByKind)}; rejected ${JSON.stringify(gateway.stats.rejected)}; heap growth ${growth.toFixed(1)} MB`,
        );
        expect(growth).toBeLessThan(100);
        ws.close();
      } finally {
        await gateway.close();
      }
    },
    BOUND_MS + 60_000,
  );

  it('invalid UTF-8 and oversized frames get 1007 and 1009', async () => {
    const gateway = await startGateway({
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [TOKEN],
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-fuzz-')), 'j.sqlite') },
    });
    try {
      const codeFor = async (payload: Buffer | string) => {
        const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
        await new Promise((r) => ws.once('open', r));
        const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.send(payload, { binary: false });
        return closed;
      };
      expect(await codeFor(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toBe(CloseCode.invalidPayload);
      expect(await codeFor('z'.repeat(1024 * 1024 + 1))).toBe(CloseCode.tooBig);
    } finally {
      await gateway.close();
    }
  });

  it(
    `the console's feed client survives ${FRAMES} mutated server frames and stores every valid event once`,
    async () => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => SUBPROTOCOL });
      await new Promise((r) => server.once('listening', r));
      const port = (server.address() as { port: number }).port;
      const random = prng(11);
      // The server predicts what a correct client must store: frames that pass the schema and carry
      // exactly the next seq (a mutation can stay valid, e.g. an extra field, and then it counts).
      let expectedLast = 0;
      let sentAll = false;
      server.on('connection', (ws) => {
        ws.once('message', async () => {
          ws.send(
            JSON.stringify({
              type: 'welcome',
              v: 1,
              gateway: { name: 'fuzz', version: '0' },
              heartbeatMs: 60_000,
              streams: { alerts: { first: 1, last: 0 } },
            }),
          );
          ws.send(JSON.stringify({ type: 'live', stream: 'alerts', seq: 0 }));
          for (let i = 0; i < FRAMES; i++) {
            const valid = serverFrame(i, expectedLast + 1);
            const text = i % 100 === 0 ? JSON.stringify(valid) : mutate(valid, random).text;
            const decoded = decodeFrame(text, ServerFrameSchema);
            if (decoded.ok && decoded.value.type === 'event' && decoded.value.seq === expectedLast + 1) expectedLast++;
            ws.send(text);
            if (i % 500 === 0) while (ws.bufferedAmount > 4e6) await new Promise((r) => setTimeout(r, 5));
          }
          sentAll = true;
        });
      });
      const heapBefore = heapMb();
      const core = await ConsoleCore.open({
        dataDir: mkdtempSync(join(tmpdir(), 'tocsin-fuzzc-')),
        userName: 'ann',
        feeds: [{ id: 'f', name: 'fuzz', url: `ws://127.0.0.1:${port}/v1/feed`, token: TOKEN }],
      });
      try {
        await until(
          () => sentAll && core.store.cursor('f') === expectedLast,
          BOUND_MS,
          'all valid events stored',
        ).catch(async (error: Error) => {
          throw new Error(
            `${error.message}: expected ${expectedLast}, cursor ${core.store.cursor('f')}, status ${JSON.stringify((await core.handlers.feedStatus({}))[0])}`,
          );
        });
        const status = (await core.handlers.feedStatus({}))[0]!;
        const rejected = Object.values(status.rejected).reduce((a, b) => a + b, 0);
        const growth = heapMb() - heapBefore;
        console.log(
          `client fuzz: ${FRAMES} frames, ${expectedLast} valid stored; rejected ${JSON.stringify(status.rejected)}; heap growth ${growth.toFixed(1)} MB`,
        );
        expect(status.state).toBe('live');
        // Mutations that happen to stay valid (e.g. a flipped byte inside a string) are fine too; most are refused and counted.
        expect(rejected).toBeGreaterThan(FRAMES * 0.5);
        expect(expectedLast).toBeGreaterThanOrEqual(FRAMES / 100);
        expect(status.rejected.too_deep).toBeGreaterThan(0);
        expect(status.rejected.internal_error).toBeUndefined();
        expect(
          core.store.db.prepare("SELECT COUNT(*) AS n, MAX(seq) AS hi FROM events WHERE feed_id = 'f'").get(),
        ).toEqual({ n: expectedLast, hi: expectedLast });
      } finally {
        await core.close();
        server.close();
      }
    },
    BOUND_MS + 60_000,
  );
});

/** Valid frames of every client type, to be mutated (the ack and pong are harmless to repeat). */
function clientFrames(i: number): Array<Record<string, unknown>> {
  return [
    { type: 'ping', t: i },
    { type: 'pong', t: i },
    { type: 'ack', stream: 'alerts', seq: 0 },
    { type: 'hello', v: 1, client: { name: 'fuzz', version: '0' }, resume: { alerts: 0 } },
    {
      type: 'action',
      id: `fuzz-action-${i}`,
      alertId: 'no-such-alert',
      by: 'fuzz',
      request: { action: 'comment', comment: 'x' },
    },
  ];
}

/** Mostly events (the client must store the valid ones exactly once), and every other server frame that leaves the stream's state alone. */
function serverFrame(i: number, seq: number): Record<string, unknown> {
  switch (i % 8) {
    case 1:
      return { type: 'metrics', samples: [{ series: 'h/cpu', metric: 'cpu', host: 'h', t: 1, value: 1 }] };
    case 2:
      return { type: 'ping', t: i };
    case 3:
      return { type: 'action_result', id: `a${i}`, ok: false, code: 'internal', message: 'x' };
    case 4:
      return {
        type: 'event',
        stream: 'alerts',
        seq,
        event: {
          kind: 'fired',
          alertId: `f${i}`,
          source: 'fuzz',
          at: 1,
          alert: { title: 't', body: '', severity: 'high', category: 'outage', labels: { team: 'db' }, startsAt: 1 },
        },
      };
    default:
      return {
        type: 'event',
        stream: 'alerts',
        seq,
        event: { kind: 'resolved', alertId: `f${i}`, source: 'fuzz', at: 1, endsAt: 1 },
      };
  }
}
