import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus } from '../../../common/api/contract.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { AlertStore } from '../store/alert-store.js';
import { AckThrottle } from './ack-throttle.js';
import { backoffDelay, DEFAULT_BACKOFF, reconnectDelay } from './backoff.js';
import { FeedClient } from './feed-client.js';
import type { FeedSocket } from './feed-socket.js';

/** An in-memory socket the test drives: what the client sent, and what "the gateway" says. */
class ScriptedSocket extends EventEmitter implements FeedSocket {
  sent: Array<Record<string, unknown>> = [];
  terminated = false;
  send(text: string) {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close() {
    this.emit('close', 1000, Buffer.from(''));
  }
  terminate() {
    this.terminated = true;
    this.emit('close', 1006, Buffer.from(''));
  }
  receive(frame: unknown) {
    this.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  }
}

const stores: AlertStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

function setup(random = 0.5, maxUncommitted?: number, onMetrics: () => void = () => {}) {
  const logs: string[] = [];
  const clock = new ManualClock();
  const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-fc-')), 'history.sqlite'));
  stores.push(store);
  const sockets: ScriptedSocket[] = [];
  const statuses: FeedStatus[] = [];
  const client = new FeedClient({ id: 'f', name: 'feed', url: 'ws://gateway.test/v1/feed', token: 't' }, {
    clock, store, random: () => random, log: (line) => logs.push(line), ...(maxUncommitted ? { maxUncommitted } : {}),
    connect: () => {
      const socket = new ScriptedSocket();
      sockets.push(socket);
      return socket;
    },
    onCommitted: () => {}, onSnapshot: () => {}, onMetrics, onStatus: (s) => statuses.push(s),
  });
  const welcome = (socket: ScriptedSocket, last = 0) => {
    socket.emit('open');
    socket.receive({ type: 'welcome', v: 1, gateway: { name: 'g', version: '1' }, heartbeatMs: 1000, streams: { alerts: { first: 1, last } } });
    socket.receive({ type: 'live', stream: 'alerts', seq: last });
  };
  return { clock, store, sockets, statuses, logs, client, welcome, state: () => client.currentStatus().state };
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
  it('says hello with the committed cursor and acks only after the commit', async () => {
    const t = setup();
    t.store.commit('f', [{ seq: 7, event: { kind: 'resolved', alertId: 'x', source: 's', at: 1, endsAt: 1 } }], false);
    t.client.start();
    t.welcome(t.sockets[0]!, 7);
    expect(t.sockets[0]!.sent[0]).toMatchObject({ type: 'hello', v: 1, resume: { alerts: 7 } });
    t.sockets[0]!.receive({ type: 'event', stream: 'alerts', seq: 8, event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 } });
    expect(t.sockets[0]!.sent.some((f) => f.type === 'ack')).toBe(false); // not yet committed
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(8);
    expect(t.sockets[0]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 8 });
  });

  it('a gateway that names no journal but ends before the cursor: seqs started again, hello again from 0 at once, nothing collides', async () => {
    const t = setup();
    const resolved = (at: number) => ({ kind: 'resolved', alertId: 'x', source: 's', at, endsAt: at });
    t.store.commit('f', [1, 2, 3, 4, 5].map((seq) => ({ seq, event: resolved(seq) as never })), false);
    t.client.start();
    t.welcome(t.sockets[0]!, 2); // its journal ends at 2, before this console's 5
    expect(t.sockets[0]!.sent[0]).toMatchObject({ type: 'hello', resume: { alerts: 5 } });
    t.sockets[0]!.receive({ type: 'event', stream: 'alerts', seq: 1, event: resolved(10) }); // ignored: this link is being replaced
    expect(t.client.currentStatus().lastError).toMatch(/ends at seq 2, before this console's 5/);
    t.clock.advance(0); // reconnects at once
    expect(t.sockets).toHaveLength(2);
    t.welcome(t.sockets[1]!, 2);
    expect(t.sockets[1]!.sent[0]).toMatchObject({ type: 'hello', resume: { alerts: 0 } });
    t.sockets[1]!.receive({ type: 'event', stream: 'alerts', seq: 1, event: resolved(11) });
    t.sockets[1]!.receive({ type: 'event', stream: 'alerts', seq: 2, event: resolved(12) });
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(2);
    expect(t.store.db.prepare("SELECT seq, at FROM events WHERE feed_id = 'f' ORDER BY seq").all()).toEqual([
      { seq: 1, at: 1 }, { seq: 2, at: 2 }, { seq: 3, at: 3 }, { seq: 4, at: 4 }, { seq: 5, at: 5 }, { seq: 6, at: 11 }, { seq: 7, at: 12 },
    ]);
    expect(t.sockets[1]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 2 }); // acks speak the gateway's seqs
  });

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
    socket.receive({ type: 'event', stream: 'alerts', seq: 1, event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 } });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ malformed_json: 1, invalid_frame: 1, unknown_type: 1 });
    expect(t.store.cursor('f')).toBe(1);
    expect(t.state()).toBe('live');
  });

  it('refuses frames nested a million levels deep in any field, and the next valid frame is stored', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const depth of [40, 50_000, 1_000_000]) {
      t.sockets[0]!.receive(`{"type":${deep(depth)}}`);
      t.sockets[0]!.receive(`{"type":"event","stream":"alerts","seq":1,"event":{"kind":"fired","labels":${deep(depth)}}}`);
    }
    t.sockets[0]!.receive({ type: 'event', stream: 'alerts', seq: 1, event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 } });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ too_deep: 6 });
    expect(t.store.cursor('f')).toBe(1);
    expect(t.state()).toBe('live');
  });

  it('stores nothing a gateway sends before its welcome, and counts it', async () => {
    const t = setup();
    t.client.start();
    const socket = t.sockets[0]!;
    socket.emit('open');
    socket.receive({ type: 'event', stream: 'alerts', seq: 1, event: { kind: 'resolved', alertId: 'early', source: 's', at: 2, endsAt: 2 } });
    socket.receive({ type: 'live', stream: 'alerts', seq: 1 });
    await new Promise((r) => setImmediate(r));
    expect(t.client.currentStatus().rejected).toEqual({ before_welcome: 2 });
    expect(t.store.cursor('f')).toBe(0);
    expect(t.state()).toBe('connecting');
    socket.receive({ type: 'welcome', v: 1, gateway: { name: 'g', version: '1' }, heartbeatMs: 1000, streams: { alerts: { first: 1, last: 1 } } });
    socket.receive({ type: 'event', stream: 'alerts', seq: 1, event: { kind: 'resolved', alertId: 'early', source: 's', at: 2, endsAt: 2 } });
    socket.receive({ type: 'welcome', v: 1, gateway: { name: 'g', version: '1' }, heartbeatMs: 1000, streams: { alerts: { first: 1, last: 1 } } });
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(1);
    expect(t.client.currentStatus().rejected).toEqual({ before_welcome: 2, duplicate_welcome: 1 });
  });

  it('an unexpected error while handling a frame drops the link to resume, counted and logged; the client lives on', async () => {
    const t = setup(0.5, undefined, () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.sockets[0]!.receive({ type: 'metrics', samples: [] });
    expect(t.sockets[0]!.terminated).toBe(true);
    expect(t.client.currentStatus().rejected).toEqual({ internal_error: 1 });
    expect(t.logs).toContain('feed feed: skipped a frame (internal_error): handling a frame failed: Maximum call stack size exceeded; reconnecting');
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
    expect(t.logs.filter((line) => line.startsWith('feed feed: connected to ws://gateway.test/v1/feed'))).toHaveLength(1);
    expect(t.logs.length).toBeLessThan(12);
  });

  it('never lets the cursor pass a hole: repeats ignored, jumps refused and counted', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const ev = (seq: number) => ({ type: 'event', stream: 'alerts', seq, event: { kind: 'resolved', alertId: `x${seq}`, source: 's', at: 1, endsAt: 1 } });
    for (const seq of [1, 2, 95, 2, 3]) t.sockets[0]!.receive(ev(seq));
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(3);
    expect(t.client.currentStatus().rejected).toEqual({ out_of_sequence: 1, duplicate_seq: 1 });
    for (let i = 0; i < 50; i++) t.sockets[0]!.receive(ev(1000 + i));
    expect(t.sockets[0]!.terminated).toBe(true); // resync from the cursor
  });

  it('outside the window: takes the union of a snapshot split over several frames, ends what it omits, records the gap', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const fired = (seq: number, alertId: string) => ({ type: 'event', stream: 'alerts', seq, event: { kind: 'fired', alertId, source: 's', at: 1, alert: { title: alertId, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1 } } });
    t.sockets[0]!.receive(fired(1, 'gone'));
    t.sockets[0]!.receive(fired(2, 'kept'));
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(2);
    const state = (alertId: string, seq: number) => ({ alertId, source: 's', title: alertId, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1, status: 'firing', acknowledged: null, snoozedUntil: null, firstSeq: seq, lastSeq: seq, updatedAt: 5 });
    // The gateway trimmed 3..699 meanwhile; its snapshot of three firing alerts comes in two frames.
    t.sockets[0]!.receive({ type: 'snapshot', stream: 'alerts', seq: 700, alerts: [state('kept', 2), state('new-1', 650)] });
    t.sockets[0]!.receive({ type: 'snapshot', stream: 'alerts', seq: 700, alerts: [state('new-2', 690)] });
    t.sockets[0]!.receive({ type: 'gap', stream: 'alerts', from: 3, to: 699, reason: 'outside_replay_window' });
    t.sockets[0]!.receive(fired(700, 'new-3'));
    await new Promise((r) => setImmediate(r));
    const firing = t.store.activeAlerts({}).map((a) => a.alertId).sort();
    expect(firing).toEqual(['kept', 'new-1', 'new-2', 'new-3']);
    expect(t.store.alertState('f', 'gone')?.status).toBe('resolved');
    expect(t.store.cursor('f')).toBe(700);
    expect(t.store.db.prepare('SELECT from_seq AS "from", to_seq AS "to" FROM gaps').all()).toEqual([{ from: 3, to: 699 }]);
  });

  it('full disk: acks nothing, keeps the link, shows stale with the reason, retries, and loses nothing', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const pages = t.store.db.pragma('page_count', { simple: true }) as number;
    t.store.db.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(8_000);
    const fired = (seq: number) => ({ type: 'event', stream: 'alerts', seq, event: { kind: 'fired', alertId: `a${seq}`, source: 's', at: 1, alert: { title: 't', body: big, severity: 'high', category: 'outage', labels: {}, startsAt: 1 } } });
    for (let seq = 1; seq <= 50; seq++) t.sockets[0]!.receive(fired(seq));
    await new Promise((r) => setImmediate(r));
    expect(t.sockets[0]!.sent.some((f) => f.type === 'ack')).toBe(false);
    expect(t.store.cursor('f')).toBe(0);
    expect(t.sockets[0]!.terminated).toBe(false); // heartbeats and the operator's actions still flow
    expect(t.state()).toBe('stale'); // never "live" while alerts cannot reach the console
    expect(t.client.currentStatus().lastError).toMatch(/cannot write the alert history: database or disk is full; 50 events held unacknowledged, retrying in 0.5 s/);
    // Still full at the first retry; more events arrive meanwhile, and a ping does not clear "stale".
    for (let seq = 51; seq <= 60; seq++) t.sockets[0]!.receive(fired(seq));
    t.sockets[0]!.receive({ type: 'ping', t: 1 });
    t.clock.advance(500);
    expect(t.state()).toBe('stale');
    expect(t.client.currentStatus().lastError).toMatch(/60 events held unacknowledged, retrying in 1.0 s/);
    // Space comes back: the next retry commits all 60 in order, acks them once, and the feed is live again.
    t.store.db.pragma('max_page_count = 1000000');
    t.clock.advance(1_000);
    expect(t.store.cursor('f')).toBe(60);
    expect(t.sockets[0]!.sent.filter((f) => f.type === 'ack')).toEqual([{ type: 'ack', stream: 'alerts', seq: 60 }]);
    expect(t.state()).toBe('live');
    expect(t.client.currentStatus().lastError).toBeNull();
    expect((t.store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(60);
  });

  it('full disk for long: past the bound of held events the link is dropped and resumes from the cursor', async () => {
    const t = setup(0.5, 1_000);
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.store.db.pragma(`max_page_count = ${t.store.db.pragma('page_count', { simple: true })}`);
    const ev = (seq: number) => ({ type: 'event', stream: 'alerts', seq, event: { kind: 'fired', alertId: `a${seq}`, source: 's', at: 1, alert: { title: 't', body: 'y'.repeat(8_000), severity: 'high', category: 'outage', labels: {}, startsAt: 1 } } });
    t.sockets[0]!.receive(ev(1));
    await new Promise((r) => setImmediate(r));
    for (let seq = 2; seq <= 2_000 && !t.sockets[0]!.terminated; seq++) t.sockets[0]!.receive(ev(seq));
    expect(t.sockets[0]!.terminated).toBe(true);
    expect(t.state()).toBe('disconnected');
    t.store.db.pragma('max_page_count = 1000000');
    t.clock.advance(t.client.currentStatus().nextRetryAt! - t.clock.now());
    t.sockets[1]!.emit('open');
    expect(t.sockets[1]!.sent[0]).toMatchObject({ type: 'hello', resume: { alerts: 0 } }); // nothing was acked or lost
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
