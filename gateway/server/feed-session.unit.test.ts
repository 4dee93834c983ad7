/**
 * The session's flow control, driven by a fake socket (whose send buffer a test fills and
 * drains at will) and a manual clock: no sleeping, exact assertions on what is sent when.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ManualClock } from '../../tests/support/manual-clock.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { CloseCode } from '../../common/protocol/frames.js';
import { Journal } from '../journal/journal.js';
import { FeedSession, type SessionLimits } from './feed-session.js';
import { ServerStats } from '../../common/node/http/server-stats.js';

/** A socket whose bufferedAmount the test controls; write callbacks run when the test drains it. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  /** Bytes each send adds to the buffer (0: the socket drains instantly). */
  holdBytes = 0;
  readonly sent: Array<{ type: string; seq?: number; [key: string]: unknown }> = [];
  closedWith: number | null = null;
  private callbacks: Array<() => void> = [];
  send(text: string, written?: () => void): void {
    this.sent.push(JSON.parse(text));
    this.bufferedAmount += this.holdBytes;
    if (written) this.callbacks.push(written);
  }
  drain(): void {
    this.bufferedAmount = 0;
    for (const callback of this.callbacks.splice(0)) callback();
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
  receive(frame: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(frame)), false);
  }
}

const journals: Journal[] = [];
afterEach(() => journals.splice(0).forEach((j) => j.close()));
const fired = (n: number): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at: 1_000_000,
  alert: { title: `alert ${n}`, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1 },
});
const LIMITS: SessionLimits = {
  heartbeatMs: 1_000,
  helloTimeoutMs: 1_000,
  softBufferBytes: 10_000,
  maxBufferBytes: 50_000,
  stallTimeoutMs: 5_000,
  maxFramesPerSecond: 100,
  maxInvalidFrames: 3,
};

function setup(limits: Partial<SessionLimits> = {}, journalOptions: { maxEvents?: number } = {}) {
  const journal = new Journal({
    path: join(mkdtempSync(join(tmpdir(), 'tocsin-unit-')), 'j.sqlite'),
    maxEvents: journalOptions.maxEvents ?? 1_000_000,
    maxAgeMs: 1e12,
  });
  journals.push(journal);
  const clock = new ManualClock();
  const stats = new ServerStats();
  const socket = new FakeSocket();
  const logs: string[] = [];
  const session = new FeedSession(
    socket as unknown as WebSocket,
    {
      journal,
      clock,
      stats,
      limits: { ...LIMITS, ...limits },
      gateway: { name: 'g', version: '0' },
      log: (m) => logs.push(m),
      onAction: async (frame) => ({ type: 'action_result', id: frame.id, ok: true }),
    },
    'test',
  );
  const hello = (resume = 0) =>
    socket.receive({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: { alerts: resume } });
  return { journal, clock, stats, socket, session, logs, hello };
}
const seqs = (socket: FakeSocket) => socket.sent.filter((f) => f.type === 'event').map((f) => f.seq);

describe('feed session flow control', () => {
  it('stops at the soft bound, resumes on the write callback, and never skips or repeats a seq', () => {
    const { journal, socket, hello } = setup();
    journal.append(Array.from({ length: 100 }, (_, i) => ({ event: fired(i + 1) })));
    socket.holdBytes = 1_000; // the soft bound (10,000) is reached after 10 frames
    hello();
    expect(seqs(socket)).toHaveLength(10);
    for (let round = 0; round < 20 && !socket.sent.some((f) => f.type === 'live'); round++) socket.drain();
    expect(seqs(socket)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(socket.sent.at(-1)).toEqual({ type: 'live', stream: 'alerts', seq: 100 });
  });

  it('sends metrics only after the alerts, the newest batch only, and none while the socket is full', () => {
    const { journal, socket, session, stats, clock, hello } = setup();
    hello();
    socket.holdBytes = 20_000;
    journal.append([{ event: fired(1) }]);
    session.notifyAppended(); // fills the buffer
    for (let i = 0; i < 3; i++)
      session.offerMetrics(
        JSON.stringify({ type: 'metrics', samples: [{ series: 's', metric: 'cpu', value: i, t: i }] }),
      );
    expect(socket.sent.filter((f) => f.type === 'metrics')).toHaveLength(0);
    socket.holdBytes = 0;
    socket.drain();
    clock.advance(10); // the retry of a pump that had only metrics left
    const metrics = socket.sent.filter((f) => f.type === 'metrics');
    expect(metrics).toEqual([{ type: 'metrics', samples: [expect.objectContaining({ value: 2 })] }]);
    expect(stats.counters.metrics_coalesced).toBe(2);
  });

  it('closes 4002 when the socket does not drain for the stall timeout', () => {
    const { journal, socket, clock, stats, hello } = setup();
    journal.append(Array.from({ length: 100 }, (_, i) => ({ event: fired(i + 1) })));
    socket.holdBytes = 5_000;
    hello();
    for (let t = 0; t < 6_000 && socket.closedWith === null; t += 500) {
      socket.receive({ type: 'pong', t }); // alive, just not reading
      clock.advance(500);
    }
    expect(socket.closedWith).toBe(CloseCode.slowConsumer);
    expect(stats.counters.slow_consumers).toBe(1);
  });

  it('closes 4002 at once when the hard bound is passed, whatever the stall timer says', () => {
    const { socket, stats, hello } = setup();
    hello();
    socket.bufferedAmount = 49_990;
    socket.holdBytes = 100;
    socket.receive({ type: 'ping', t: 1 }); // the pong passes the 50,000-byte bound
    expect(socket.closedWith).toBe(CloseCode.slowConsumer);
    expect(stats.counters.slow_consumers).toBe(1);
  });

  it('sends a snapshot and a gap when events it still had to send were trimmed away meanwhile', () => {
    const { journal, socket, clock, hello } = setup({}, { maxEvents: 10 });
    journal.append(Array.from({ length: 30 }, (_, i) => ({ event: fired(i + 1) })));
    socket.holdBytes = 5_000;
    hello();
    expect(seqs(socket)).toEqual([1, 2]);
    journal.append(Array.from({ length: 10 }, (_, i) => ({ event: fired(i + 31) })));
    journal.trim(clock.now()); // keeps 31..40
    socket.holdBytes = 0;
    socket.drain();
    const types = socket.sent.map((f) => f.type);
    expect(socket.sent.find((f) => f.type === 'gap')).toEqual({
      type: 'gap',
      stream: 'alerts',
      from: 3,
      to: 30,
      reason: 'outside_replay_window',
    });
    expect(types.indexOf('snapshot')).toBeLessThan(types.indexOf('gap'));
    expect(seqs(socket)).toEqual([1, 2, ...Array.from({ length: 10 }, (_, i) => i + 31)]);
  });

  it('pings every heartbeat and closes 4004 a console silent for two of them', () => {
    const { socket, clock, stats, hello } = setup();
    hello();
    clock.advance(1_000);
    expect(socket.sent.filter((f) => f.type === 'ping')).toHaveLength(1);
    socket.receive({ type: 'pong', t: 0 });
    clock.advance(2_000);
    expect(socket.closedWith).toBeNull(); // heard 2,000 ms ago: not yet more than two intervals
    clock.advance(1_000);
    expect(socket.closedWith).toBe(CloseCode.heartbeatTimeout);
    expect(stats.counters.heartbeat_timeouts).toBe(1);
  });

  it('closes 4000 without a hello, and ignores (but counts) unknown frame types', () => {
    const { socket, clock, stats } = setup();
    socket.receive({ type: 'from-v2', x: 1 });
    expect(stats.rejected.unknown_type).toBe(1);
    expect(socket.sent).toEqual([]);
    clock.advance(1_000);
    expect(socket.closedWith).toBe(CloseCode.helloRequired);
  });

  it('answers garbage with error frames, logs the first few, and closes 1008 past the limit', () => {
    const { socket, stats, logs, hello } = setup();
    hello();
    for (let i = 0; i < 4; i++) socket.emit('message', Buffer.from('{nope'), false);
    expect(socket.sent.filter((f) => f.type === 'error')).toHaveLength(4);
    expect(stats.rejected.malformed_json).toBe(4);
    expect(socket.closedWith).toBe(CloseCode.policy);
    expect(logs.some((l) => l.includes('malformed_json'))).toBe(true);
  });

  it('refuses frames nested up to a million levels in any field, before and after hello, and serves the next valid frame', () => {
    const { socket, stats, hello } = setup({ maxInvalidFrames: 1_000 });
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const hostile = (depth: number) => [
      `{"type":${deep(depth)}}`,
      `{"type":"hello","v":1,"client":${deep(depth)},"resume":{}}`,
      `{"type":"action","id":"x","action":${deep(depth)}}`,
      `{"type":"ping","t":${deep(depth)}}`,
      deep(depth),
    ];
    for (const depth of [40, 5_000, 1_000_000])
      for (const text of hostile(depth)) socket.emit('message', Buffer.from(text), false);
    expect(stats.rejected.too_deep).toBe(15);
    hello();
    expect(socket.sent.some((f) => f.type === 'welcome')).toBe(true);
    for (const depth of [40, 5_000, 1_000_000])
      for (const text of hostile(depth)) socket.emit('message', Buffer.from(text), false);
    expect(stats.rejected.too_deep).toBe(30);
    socket.receive({ type: 'ping', t: 7 });
    expect(socket.sent.at(-1)).toEqual({ type: 'pong', t: 7 });
    expect(socket.closedWith).toBeNull();
  });

  it('turns an unexpected error while handling a frame into a counted refusal and a 1011 close, not an exit', () => {
    const { socket, stats, logs, session } = setup();
    // A send that throws stands for any bug reached from a frame: the guard must hold it.
    socket.send = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    socket.receive({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} });
    expect(stats.rejected.internal_error).toBe(1);
    expect(socket.closedWith).toBe(CloseCode.internalError);
    expect(logs.some((l) => l.includes('handling a frame failed: Maximum call stack size exceeded'))).toBe(true);
    session.notifyAppended(); // a disposed session stays quiet
  });
});
