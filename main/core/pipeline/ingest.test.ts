/**
 * The ingest behind a real link (FeedClient over a scripted socket) and a real SQLite file:
 * the order check, commits and acks, the journal's identity, snapshots, and a history that
 * cannot be written.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { FeedClient } from '../feed/feed-client.js';
import type { LinkControl } from '../feed/link-port.js';
import { AlertStore } from '../store/alert-store.js';
import { FeedIngest } from './ingest.js';
import type { CommittedChange } from './observer.js';
import { ScriptedSocket } from '../../../tests/support/scripted-socket.js';

const stores: AlertStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const openStore = () => {
  const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-ingest-')), 'history.sqlite'));
  stores.push(store);
  return store;
};

function setup(random = 0.5, maxUncommitted?: number) {
  const logs: string[] = [];
  const clock = new ManualClock();
  const store = openStore();
  const sockets: ScriptedSocket[] = [];
  const statuses: FeedStatus[] = [];
  const heard: Array<{ committed: CommittedChange[] } | { snapshot: AlertRow[] }> = [];
  const log = (line: string) => logs.push(line);
  const feed = { id: 'f', name: 'feed', url: 'ws://gateway.test/v1/feed', token: 't' };
  const client = new FeedClient(feed, {
    clock,
    random: () => random,
    log,
    connect: () => {
      const socket = new ScriptedSocket();
      sockets.push(socket);
      return socket;
    },
    sink: (link) =>
      new FeedIngest(
        {
          feed,
          store,
          clock,
          random: () => random,
          log,
          ...(maxUncommitted ? { maxUncommitted } : {}),
          observer: {
            onCommitted: (changes) => heard.push({ committed: [...changes] }),
            onSnapshot: (_feedId, rows) => heard.push({ snapshot: [...rows] }),
          },
        },
        link,
      ),
    onMetrics: () => {},
    onStatus: (s) => statuses.push(s),
  });
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
  return { clock, store, sockets, statuses, logs, heard, client, welcome, state: () => client.currentStatus().state };
}

/** A link that records what the ingest asks of it. */
function recordingLink() {
  const calls: string[] = [];
  const link: LinkControl = {
    committed: (seq) => calls.push(`committed ${seq}`),
    refused: (reason) => calls.push(`refused ${reason}`),
    drop: (lastError) => calls.push(`drop${lastError ? ` ${lastError}` : ''}`),
    blocked: (message) => calls.push(`blocked ${message}`),
  };
  return { link, calls };
}

const resolved = (alertId: string, at = 1) => ({ kind: 'resolved' as const, alertId, source: 's', at, endsAt: at });

describe('FeedIngest on its own', () => {
  it('resumes from the committed cursor, ignores repeats, refuses jumps and drops the link after 50 in a row', async () => {
    const store = openStore();
    store.commit('f', [{ seq: 3, event: resolved('x') }], false);
    const { link, calls } = recordingLink();
    const ingest = new FeedIngest(
      {
        feed: { id: 'f', name: 'feed' },
        store,
        clock: new ManualClock(),
        random: () => 0.5,
        log: () => {},
        observer: { onCommitted: () => {}, onSnapshot: () => {} },
      },
      link,
    );
    expect(ingest.cursor()).toBe(3);
    expect(ingest.open()).toBe(3);
    expect(ingest.welcome({ last: 9, journalId: 'j1' })).toEqual({ replaying: true });
    expect(store.journalOf('f')).toBe('j1');
    ingest.event(3, resolved('x'));
    ingest.event(4, resolved('y'));
    ingest.event(6, resolved('z'));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['refused duplicate_seq', 'refused out_of_sequence', 'committed 4']);
    for (let i = 0; i < 49; i++) ingest.event(100 + i, resolved('z'));
    expect(calls.filter((c) => c === 'drop')).toHaveLength(1);
    ingest.live();
    expect(ingest.replaying).toBe(false);
  });

  it('a different journal: the history keeps its seqs, the new ones go after them, and the link is told to start again', () => {
    const store = openStore();
    store.setJournal('f', 'old');
    store.commit(
      'f',
      [
        { seq: 1, event: resolved('x') },
        { seq: 2, event: resolved('y') },
      ],
      false,
    );
    const ingest = new FeedIngest(
      {
        feed: { id: 'f', name: 'feed' },
        store,
        clock: new ManualClock(),
        random: () => 0.5,
        log: () => {},
        observer: { onCommitted: () => {}, onSnapshot: () => {} },
      },
      recordingLink().link,
    );
    expect(ingest.welcome({ last: 5, journalId: 'new' })).toEqual({
      restart: "the gateway's journal changed (was old, now new)",
    });
    expect(store.cursor('f')).toBe(0);
    expect(store.journalOf('f')).toBe('new');
  });
});

describe('FeedIngest behind a FeedClient', () => {
  it('says hello with the committed cursor and acks only after the commit', async () => {
    const t = setup();
    t.store.commit('f', [{ seq: 7, event: { kind: 'resolved', alertId: 'x', source: 's', at: 1, endsAt: 1 } }], false);
    t.client.start();
    t.welcome(t.sockets[0]!, 7);
    expect(t.sockets[0]!.sent[0]).toMatchObject({ type: 'hello', v: 1, resume: { alerts: 7 } });
    t.sockets[0]!.receive({
      type: 'event',
      stream: 'alerts',
      seq: 8,
      event: { kind: 'resolved', alertId: 'x', source: 's', at: 2, endsAt: 2 },
    });
    expect(t.sockets[0]!.sent.some((f) => f.type === 'ack')).toBe(false); // not yet committed
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(8);
    expect(t.sockets[0]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 8 });
  });

  it('a gateway that names no journal but ends before the cursor: seqs started again, hello again from 0 at once, nothing collides', async () => {
    const t = setup();
    const resolved = (at: number) => ({ kind: 'resolved', alertId: 'x', source: 's', at, endsAt: at });
    t.store.commit(
      'f',
      [1, 2, 3, 4, 5].map((seq) => ({ seq, event: resolved(seq) as never })),
      false,
    );
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
      { seq: 1, at: 1 },
      { seq: 2, at: 2 },
      { seq: 3, at: 3 },
      { seq: 4, at: 4 },
      { seq: 5, at: 5 },
      { seq: 6, at: 11 },
      { seq: 7, at: 12 },
    ]);
    expect(t.sockets[1]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 2 }); // acks speak the gateway's seqs
  });

  it('never lets the cursor pass a hole: repeats ignored, jumps refused and counted', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const ev = (seq: number) => ({
      type: 'event',
      stream: 'alerts',
      seq,
      event: { kind: 'resolved', alertId: `x${seq}`, source: 's', at: 1, endsAt: 1 },
    });
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
    const fired = (seq: number, alertId: string) => ({
      type: 'event',
      stream: 'alerts',
      seq,
      event: {
        kind: 'fired',
        alertId,
        source: 's',
        at: 1,
        alert: { title: alertId, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1 },
      },
    });
    t.sockets[0]!.receive(fired(1, 'gone'));
    t.sockets[0]!.receive(fired(2, 'kept'));
    await new Promise((r) => setImmediate(r));
    expect(t.store.cursor('f')).toBe(2);
    const state = (alertId: string, seq: number) => ({
      alertId,
      source: 's',
      title: alertId,
      body: '',
      severity: 'high',
      category: 'outage',
      labels: {},
      startsAt: 1,
      status: 'firing',
      acknowledged: null,
      snoozedUntil: null,
      firstSeq: seq,
      lastSeq: seq,
      updatedAt: 5,
    });
    // The gateway trimmed 3..699 meanwhile; its snapshot of three firing alerts comes in two frames.
    t.sockets[0]!.receive({
      type: 'snapshot',
      stream: 'alerts',
      seq: 700,
      alerts: [state('kept', 2), state('new-1', 650)],
    });
    t.sockets[0]!.receive({ type: 'snapshot', stream: 'alerts', seq: 700, alerts: [state('new-2', 690)] });
    t.sockets[0]!.receive({ type: 'gap', stream: 'alerts', from: 3, to: 699, reason: 'outside_replay_window' });
    t.sockets[0]!.receive(fired(700, 'new-3'));
    await new Promise((r) => setImmediate(r));
    const firing = t.store
      .activeAlerts({})
      .map((a) => a.alertId)
      .sort();
    expect(firing).toEqual(['kept', 'new-1', 'new-2', 'new-3']);
    expect(t.store.alertState('f', 'gone')?.status).toBe('resolved');
    expect(t.store.cursor('f')).toBe(700);
    expect(t.store.db.prepare('SELECT from_seq AS "from", to_seq AS "to" FROM gaps').all()).toEqual([
      { from: 3, to: 699 },
    ]);
  });

  it('full disk: acks nothing, keeps the link, shows stale with the reason, retries, and loses nothing', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    const pages = t.store.db.pragma('page_count', { simple: true }) as number;
    t.store.db.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(8_000);
    const fired = (seq: number) => ({
      type: 'event',
      stream: 'alerts',
      seq,
      event: {
        kind: 'fired',
        alertId: `a${seq}`,
        source: 's',
        at: 1,
        alert: { title: 't', body: big, severity: 'high', category: 'outage', labels: {}, startsAt: 1 },
      },
    });
    for (let seq = 1; seq <= 50; seq++) t.sockets[0]!.receive(fired(seq));
    await new Promise((r) => setImmediate(r));
    expect(t.sockets[0]!.sent.some((f) => f.type === 'ack')).toBe(false);
    expect(t.store.cursor('f')).toBe(0);
    expect(t.sockets[0]!.terminated).toBe(false); // heartbeats and the operator's actions still flow
    expect(t.state()).toBe('stale'); // never "live" while alerts cannot reach the console
    expect(t.client.currentStatus().lastError).toMatch(
      /cannot write the alert history: database or disk is full; 50 events held unacknowledged, retrying in 0.5 s/,
    );
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
    const ev = (seq: number) => ({
      type: 'event',
      stream: 'alerts',
      seq,
      event: {
        kind: 'fired',
        alertId: `a${seq}`,
        source: 's',
        at: 1,
        alert: { title: 't', body: 'y'.repeat(8_000), severity: 'high', category: 'outage', labels: {}, startsAt: 1 },
      },
    });
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

  it('tells the observers of committed changes after the ack, and of the rows a snapshot wrote', async () => {
    const t = setup();
    t.client.start();
    t.welcome(t.sockets[0]!);
    t.sockets[0]!.receive({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: {
        kind: 'fired',
        alertId: 'gone',
        source: 's',
        at: 1,
        alert: { title: 'g', body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1 },
      },
    });
    await new Promise((r) => setImmediate(r));
    expect(t.sockets[0]!.sent.at(-1)).toEqual({ type: 'ack', stream: 'alerts', seq: 1 });
    expect(t.heard).toEqual([{ committed: [expect.objectContaining({ feedId: 'f', seq: 1, replayed: false })] }]);
    const state = {
      alertId: 'new',
      source: 's',
      title: 'n',
      body: '',
      severity: 'high',
      category: 'outage',
      labels: {},
      startsAt: 1,
      status: 'firing',
      acknowledged: null,
      snoozedUntil: null,
      firstSeq: 40,
      lastSeq: 40,
      updatedAt: 5,
    };
    t.sockets[0]!.receive({ type: 'snapshot', stream: 'alerts', seq: 50, alerts: [state] });
    t.sockets[0]!.receive({ type: 'gap', stream: 'alerts', from: 2, to: 49, reason: 'outside_replay_window' });
    expect(t.heard[1]).toEqual({
      snapshot: [
        expect.objectContaining({ feedId: 'f', alertId: 'new', status: 'firing' }),
        expect.objectContaining({ feedId: 'f', alertId: 'gone', status: 'resolved' }),
      ],
    });
    expect(t.client.currentStatus().lastSeq).toBe(1); // a snapshot is not an event: nothing to acknowledge
  });
});
