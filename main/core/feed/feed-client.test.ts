/**
 * The link on its own, behind a sink that records what reaches it: the protocol, heartbeats,
 * reconnects and refusals. What the history does with the frames: pipeline/ingest.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../common/api/contract.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { AckThrottle } from './ack-throttle.js';
import { backoffDelay, DEFAULT_BACKOFF, reconnectDelay } from './backoff.js';
import { FeedClient } from './feed-client.js';
import type { FeedSink, LinkControl, WelcomeAnswer } from './link-port.js';
import { ScriptedSocket } from '../../../tests/support/scripted-socket.js';
import type { PresenceState } from '../../../common/protocol/frames.js';

/** A sink that records every history frame, answers welcomes as told, and lets the test drive the link back. */
class RecordingSink implements FeedSink {
  frames: string[] = [];
  committedCursor = 0;
  blocked = false;
  replaying = false;
  answer: WelcomeAnswer | null = null;
  constructor(readonly link: LinkControl) {}
  cursor() {
    return this.committedCursor;
  }
  open() {
    this.frames.push('open');
    return this.committedCursor;
  }
  welcome({ last }: { last: number }) {
    this.replaying = last > this.committedCursor;
    return this.answer ?? { replaying: this.replaying };
  }
  event(seq: number) {
    this.frames.push(`event ${seq}`);
  }
  snapshot(seq: number) {
    this.frames.push(`snapshot ${seq}`);
  }
  gap({ from, to }: { from: number; to: number }) {
    this.frames.push(`gap ${from}-${to}`);
  }
  live() {
    this.replaying = false;
    this.frames.push('live');
  }
  discard() {
    this.frames.push('discard');
  }
}

function setup(random = 0.5, onMetrics: () => void = () => {}, presence?: () => PresenceState) {
  const logs: string[] = [];
  const clock = new ManualClock();
  const sockets: ScriptedSocket[] = [];
  const statuses: FeedStatus[] = [];
  let sink: RecordingSink | null = null;
  const client = new FeedClient(
    { id: 'f', name: 'feed', url: 'ws://gateway.test/v1/feed', token: 't' },
    {
      clock,
      random: () => random,
      log: (line) => logs.push(line),
      connect: () => {
        const socket = new ScriptedSocket();
        sockets.push(socket);
        return socket;
      },
      sink: (link) => (sink = new RecordingSink(link)),
      onMetrics,
      onStatus: (s) => statuses.push(s),
      ...(presence ? { presence } : {}),
    },
  );
  const welcome = (socket: ScriptedSocket, last = 0) => {
    socket.emit('open');
    socket.receive({
      type: 'welcome',
      v: 1,
      gateway: { name: 'g', version: '1' },
      heartbeatMs: 1000,
      streams: { alerts: { first: 1, last } },
    });
    socket.receive({ type: 'live', stream: 'alerts', seq: last });
  };
  return { clock, sink: sink!, sockets, statuses, logs, client, welcome, state: () => client.currentStatus().state };
}

describe('reconnectDelay after a live link is lost', () => {
  it('spreads the first retry over 5 s, sends a too-early one to the next window, then backs off exponentially', () => {
    const lost = 1_000_000;
    expect(reconnectDelay(DEFAULT_BACKOFF, 0, lost, lost, 0.5)).toBe(2_500);
    expect(reconnectDelay(DEFAULT_BACKOFF, 1, lost, lost + 800, 0.5)).toBe(4_200 + 2_500); // in [5 s, 10 s) after the loss
    expect(reconnectDelay(DEFAULT_BACKOFF, 1, lost, lost + 7_000, 0.5)).toBe(2_500); // already past the first window
    expect(reconnectDelay(DEFAULT_BACKOFF, 2, lost, lost + 9_000, 0.5)).toBe(2_000);
    expect(reconnectDelay(DEFAULT_BACKOFF, 0, null, lost, 0.5)).toBe(500); // no live link lost (start-up): plain backoff
  });
});

describe('backoffDelay (full jitter)', () => {
  it('draws from [0, min(cap, base·2^attempt)]', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0.999)).toBe(999);
    expect(backoffDelay(DEFAULT_BACKOFF, 3, 0.5)).toBe(4_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 10, 0.999)).toBe(29_970);
    expect(backoffDelay(DEFAULT_BACKOFF, 50, 0)).toBe(0);
  });
});

describe('FeedClient', () => {
  it('goes stale after 1.5 silent heartbeats and declares the link dead after two, then retries with backoff', () => {
    const t = setup(0.5);
    t.client.start();
    t.welcome(t.sockets[0]!);
    expect(t.state()).toBe('live');
    t.clock.advance(1_500);
    expect(t.state()).toBe('live');
    t.clock.advance(250);
    expect(t.state()).toBe('stale');
    t.clock.advance(500);
    expect(t.sockets[0]!.terminated).toBe(true);
    expect(t.state()).toBe('disconnected');
    const status = t.client.currentStatus();
    expect(status.nextRetryAt! - t.clock.now()).toBe(2_500); // the first retry after a live link: 0.5 × 5 s
    expect(status.lastError).toMatch(/no heartbeat/);
    t.clock.advance(2_500);
    expect(t.sockets).toHaveLength(2);
    expect(t.state()).toBe('connecting');
  });

  it('any frame clears stale; pings are answered', () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.clock.advance(1_750);
    expect(t.state()).toBe('stale');
    t.sockets[0]!.receive({ type: 'ping', t: 5 });
    expect(t.state()).toBe('live');
    expect(t.sockets[0]!.sent.at(-1)).toEqual({ type: 'pong', t: 5 });
  });

  it('grows the backoff ceiling per failed attempt and resets it after a stable minute', () => {
    const t = setup(0.999);
    t.client.start();
    const retryIn = () => t.client.currentStatus().nextRetryAt! - t.clock.now();
    t.sockets[0]!.emit('close', 1006, Buffer.from(''));
    expect(retryIn()).toBe(999);
    t.clock.advance(999);
    t.sockets[1]!.emit('close', 1006, Buffer.from(''));
    expect(retryIn()).toBe(1_998);
    t.clock.advance(1_998);
    t.welcome(t.sockets[2]!);
    for (let i = 0; i < 60; i++) {
      t.clock.advance(1_000);
      t.sockets[2]!.receive({ type: 'ping', t: i });
    }
    t.sockets[2]!.emit('close', 1006, Buffer.from(''));
    // A live link lost: the first retry is spread over 5 s (every console of a restarted gateway loses it at once).
    expect(retryIn()).toBe(4_995);
    t.clock.advance(4_995);
    t.sockets[3]!.emit('close', 1006, Buffer.from(''));
    // That retry failed (the gateway still down): the next one falls in the following 5 s window…
    expect(retryIn()).toBe(5 + 4_995);
    t.clock.advance(5_000);
    t.sockets[4]!.emit('close', 1006, Buffer.from(''));
    expect(retryIn()).toBe(3_996); // …and then the exponential schedule goes on (attempt 2: 0.999 × 4 s)
  });

  it('counts and skips malformed, invalid and unknown frames without stopping the stream', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const socket = t.sockets[0]!;
    socket.receive('{not json');
    socket.receive({ type: 'event', stream: 'alerts', seq: -1, event: {} });
    socket.receive({ type: 'from-the-future' });
    socket.receive({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 },
    });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ malformed_json: 1, invalid_frame: 1, unknown_type: 1 });
    expect(t.sink.frames).toEqual(['open', 'live', 'event 1']);
    expect(t.state()).toBe('live');
  });

  it('refuses frames nested a million levels deep in any field, and the next valid frame reaches the sink', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const depth of [40, 50_000, 1_000_000]) {
      t.sockets[0]!.receive(`{"type":${deep(depth)}}`);
      t.sockets[0]!.receive(
        `{"type":"event","stream":"alerts","seq":1,"event":{"kind":"fired","labels":${deep(depth)}}}`,
      );
    }
    t.sockets[0]!.receive({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 },
    });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ too_deep: 6 });
    expect(t.sink.frames).toEqual(['open', 'live', 'event 1']);
    expect(t.state()).toBe('live');
  });

  it('hands the sink nothing a gateway sends before its welcome, and counts it', async () => {
    const t = setup();
    t.client.start();
    const socket = t.sockets[0]!;
    socket.emit('open');
    socket.receive({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: { kind: 'resolved', alertId: 'early', source: 's', at: 2, endsAt: 2 },
    });
    socket.receive({ type: 'live', stream: 'alerts', seq: 1 });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ before_welcome: 2 });
    expect(t.sink.frames).toEqual(['open']);
    expect(t.state()).toBe('connecting');
    socket.receive({
      type: 'welcome',
      v: 1,
      gateway: { name: 'g', version: '1' },
      heartbeatMs: 1000,
      streams: { alerts: { first: 1, last: 1 } },
    });
    socket.receive({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: { kind: 'resolved', alertId: 'early', source: 's', at: 2, endsAt: 2 },
    });
    socket.receive({
      type: 'welcome',
      v: 1,
      gateway: { name: 'g', version: '1' },
      heartbeatMs: 1000,
      streams: { alerts: { first: 1, last: 1 } },
    });
    expect(t.sink.frames).toEqual(['open', 'event 1']);
    expect(t.client.currentStatus().rejected).toEqual({ before_welcome: 2, duplicate_welcome: 1 });
  });

  it('an unexpected error while handling a frame drops the link to resume, counted and logged; the client lives on', async () => {
    const t = setup(0.5, () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.sockets[0]!.receive({ type: 'metrics', samples: [] });
    expect(t.sockets[0]!.terminated).toBe(true);
    expect(t.client.currentStatus().rejected).toEqual({ internal_error: 1 });
    expect(t.logs).toContain(
      'feed feed: skipped a frame (internal_error): handling a frame failed: Maximum call stack size exceeded; reconnecting',
    );
    expect(t.logs.some((line) => /^feed feed: connection lost; reconnecting in \d+\.\d s$/.test(line))).toBe(true);
    t.clock.advance(30_000);
    expect(t.sockets).toHaveLength(2);
  });

  it('logs each connect and each close with its reason once, and refusals at a bounded rate', () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    for (let i = 0; i < 10_000; i++) t.sockets[0]!.receive('{not json');
    t.sockets[0]!.emit('close', 4002, Buffer.from('console stopped reading'));
    expect(t.logs.filter((line) => line.includes('skipped a frame'))).toHaveLength(5);
    expect(t.logs).toContain('feed feed: 9995 more frames skipped and not logged one by one (malformed_json 9995)');
    expect(t.logs.filter((line) => line.includes('closed 4002: console stopped reading'))).toHaveLength(1);
    expect(t.logs.filter((line) => line.startsWith('feed feed: connected to ws://gateway.test/v1/feed'))).toHaveLength(
      1,
    );
    expect(t.logs.length).toBeLessThan(12);
  });

  it("says hello with the sink's cursor, acks what the sink reports committed, and shows its seq", () => {
    const t = setup();
    t.sink.committedCursor = 7;
    t.client.start();
    t.welcome(t.sockets[0]!, 9);
    expect(t.sockets[0]!.sent[0]).toMatchObject({ type: 'hello', v: 1, resume: { alerts: 7 } });
    expect(t.sockets[0]!.sent.some((f) => f.type === 'ack')).toBe(false);
    t.sink.link.committed(9);
    expect(t.sockets[0]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 9 });
    expect(t.client.currentStatus().lastSeq).toBe(9);
    t.sink.link.refused('duplicate_seq');
    expect(t.client.currentStatus().rejected).toEqual({ duplicate_seq: 1 });
  });

  it('resyncing while the sink replays, live at the gateway\'s "live"; the frames reach the sink in order', () => {
    const t = setup();
    t.client.start();
    const socket = t.sockets[0]!;
    socket.emit('open');
    socket.receive({
      type: 'welcome',
      v: 1,
      gateway: { name: 'g', version: '1' },
      heartbeatMs: 1000,
      streams: { alerts: { first: 1, last: 5 } },
    });
    expect(t.state()).toBe('resyncing');
    socket.receive({ type: 'snapshot', stream: 'alerts', seq: 5, alerts: [] });
    socket.receive({ type: 'gap', stream: 'alerts', from: 1, to: 4, reason: 'outside_replay_window' });
    socket.receive({ type: 'live', stream: 'alerts', seq: 5 });
    expect(t.state()).toBe('live');
    expect(t.sink.frames).toEqual(['open', 'snapshot 5', 'gap 1-4', 'live']);
  });

  it('the sink says the journal changed: the link closes, shows why, and says hello again at once', () => {
    const t = setup();
    t.sink.answer = { restart: 'the journal changed' };
    t.client.start();
    t.welcome(t.sockets[0]!, 2);
    expect(t.client.currentStatus()).toMatchObject({ lastError: 'the journal changed', lastSeq: 0 });
    expect(t.sink.frames).toEqual(['open', 'discard']); // the "live" after it was ignored
    t.clock.advance(0);
    expect(t.sockets).toHaveLength(2);
  });

  it('stale while the sink cannot write, whatever arrives; live again when it can; dropped when the sink asks', () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.sink.blocked = true;
    t.sink.link.blocked('cannot write the alert history: disk full');
    expect(t.client.currentStatus()).toMatchObject({
      state: 'stale',
      lastError: 'cannot write the alert history: disk full',
    });
    t.sockets[0]!.receive({ type: 'ping', t: 1 });
    expect(t.state()).toBe('stale');
    t.sink.blocked = false;
    t.sink.link.blocked(null);
    expect(t.client.currentStatus()).toMatchObject({ state: 'live', lastError: null });
    expect(t.logs).toContain('feed feed: the alert history is writable again');
    t.sink.link.drop('will resume');
    expect(t.sockets[0]!.terminated).toBe(true);
    expect(t.client.currentStatus()).toMatchObject({ state: 'disconnected', lastError: 'will resume' });
  });
});

describe('AckThrottle', () => {
  it('acks at once when idle, then at most once per 50 ms with the highest committed seq', () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const acks = new AckThrottle(clock, (seq) => sent.push(seq));
    acks.committed(1);
    expect(sent).toEqual([1]);
    for (let seq = 2; seq <= 40; seq++) {
      acks.committed(seq);
      clock.advance(1);
    }
    expect(sent).toEqual([1]); // 1,000 commits a second would exceed the gateway's 200 frames/s
    clock.advance(11);
    expect(sent).toEqual([1, 40]);
    clock.advance(100);
    acks.committed(41);
    expect(sent).toEqual([1, 40, 41]);
  });
});

describe('FeedClient presence', () => {
  const types = (socket: ScriptedSocket): string[] =>
    socket.sent.map((f) => (f.type === 'presence' ? `presence ${String(f.state)}` : String(f.type)));
  /** The gateway's side of the handshake, on a socket already open. */
  const welcomeOn = (socket: ScriptedSocket) => {
    const streams = { alerts: { first: 1, last: 0 } };
    socket.receive({ type: 'welcome', v: 1, gateway: { name: 'g', version: '1' }, heartbeatMs: 1000, streams });
    socket.receive({ type: 'live', stream: 'alerts', seq: 0 });
  };

  it('tells the gateway after welcome, then only when the state changes', () => {
    let state: PresenceState = 'hidden';
    const t = setup(
      0.5,
      () => {},
      () => state,
    );
    t.client.start();
    const socket = t.sockets[0]!;
    socket.emit('open');
    t.client.presenceChanged(); // before welcome: the gateway has not said who it is
    expect(types(socket)).toEqual(['hello']);
    welcomeOn(socket);
    expect(types(socket)).toEqual(['hello', 'presence hidden']);
    t.client.presenceChanged(); // unchanged: nothing
    state = 'watched';
    t.client.presenceChanged();
    t.client.presenceChanged();
    expect(types(socket)).toEqual(['hello', 'presence hidden', 'presence watched']);
  });

  it('tells every new connection again, after its welcome', () => {
    let state: PresenceState = 'watched';
    const t = setup(
      0.5,
      () => {},
      () => state,
    );
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.sockets[0]!.terminate();
    state = 'hidden';
    t.client.presenceChanged(); // disconnected: nobody to tell
    t.clock.advance(30_000);
    const second = t.sockets[1]!;
    second.emit('open');
    expect(types(second)).toEqual(['hello']);
    welcomeOn(second);
    expect(types(second)).toEqual(['hello', 'presence hidden']);
  });

  it('sends no presence when the console has none to give', () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.client.presenceChanged();
    expect(types(t.sockets[0]!)).toEqual(['hello']);
  });
});
