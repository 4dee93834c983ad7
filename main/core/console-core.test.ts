import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { ConsoleCore, historyPath } from './console-core.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { until } from '../../tests/support/until.js';
import { ScriptedSocket } from '../../tests/support/scripted-socket.js';

const TOKEN = 'core-test-token-0123456789';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const fired = (n: number): AlertEvent => ({
  kind: 'fired',
  alertId: `alert-${n}`,
  source: 'test',
  at: Date.now(),
  alert: {
    title: `alert number ${n}`,
    body: 'disk full',
    severity: 'high',
    category: 'outage',
    labels: { n: String(n) },
    startsAt: Date.now(),
  },
});

async function gatewayAt(journalPath: string, port = 0): Promise<Gateway> {
  return startGateway({
    listen: { host: '127.0.0.1', port },
    tokens: [TOKEN],
    journal: { path: journalPath },
    heartbeatMs: 500,
  });
}

async function consoleFor(
  url: string,
  dataDir = mkdtempSync(join(tmpdir(), 'tocsin-core-')),
  userName = 'ann',
): Promise<ConsoleCore> {
  const core = await ConsoleCore.open({
    dataDir,
    userName,
    feeds: [{ id: 'f1', name: 'test feed', url, token: TOKEN }],
    random: () => 0.01,
  });
  cleanup.push(() => core.close());
  return core;
}

describe('ConsoleCore against a real gateway', () => {
  it('stores every event exactly once, contiguous, across gateway restarts mid-stream', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite');
    let gateway = await gatewayAt(journal);
    const port = gateway.port;
    const core = await consoleFor(gateway.url);
    let published = 0;
    for (let restart = 0; restart < 3; restart++) {
      for (let i = 0; i < 5; i++) {
        await gateway.sink.publish(Array.from({ length: 40 }, () => ({ event: fired(++published) })));
        await new Promise((r) => setTimeout(r, 5));
      }
      await gateway.close(); // mid-stream: the console may not have committed the last batches yet
      gateway = await gatewayAt(journal, port);
    }
    cleanup.push(() => gateway.close());
    await gateway.sink.publish([{ event: fired(++published) }]);
    await until(() => core.store.cursor('f1') === published, 10_000, 'the console to catch up');
    const db = new Database(historyPath(core['options'].dataDir), { readonly: true });
    const stats = db
      .prepare(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM events WHERE feed_id = ?',
      )
      .get('f1');
    db.close();
    expect(stats).toEqual({ n: published, d: published, lo: 1, hi: published });
  });

  it('a gateway whose journal was replaced starts its seqs again: the console keeps its history and stores the new events too', async () => {
    let gateway = await gatewayAt(join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite'));
    const port = gateway.port;
    const core = await consoleFor(gateway.url);
    await gateway.sink.publish([1, 2, 3].map((n) => ({ event: fired(n) })));
    await until(() => core.store.cursor('f1') === 3, 10_000, 'the console to catch up');
    const firstJournal = core.store.journalOf('f1');
    expect(firstJournal).toMatch(/^[0-9a-f]{32}$/);
    await gateway.close();
    // The operator deleted the journal: a new one, behind the same address, numbering from 1 again.
    gateway = await gatewayAt(join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite'), port);
    cleanup.push(() => gateway.close());
    await gateway.sink.publish([4, 5, 6, 7].map((n) => ({ event: fired(n) })));
    await until(
      () => core.store.cursor('f1') === 4 && core.store.journalOf('f1') !== firstJournal,
      10_000,
      'the console to catch up',
    );
    const rows = core.store.db
      .prepare(
        "SELECT e.seq, a.title FROM events e JOIN alerts a ON a.feed_id = e.feed_id AND a.alert_id = e.alert_id WHERE e.feed_id = 'f1' ORDER BY e.seq",
      )
      .all();
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ({ seq: n, title: `alert number ${n}` })));
    expect(
      core.store
        .activeAlerts({})
        .map((r) => r.alertId)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `alert-${n}`).sort());
    // And it goes on from there: the next event of the new journal is its seq 5, stored as 8.
    await gateway.sink.publish([{ event: fired(8) }]);
    await until(() => core.store.cursor('f1') === 5, 10_000, 'the console to catch up');
    expect(core.store.db.prepare("SELECT MAX(seq) AS hi FROM events WHERE feed_id = 'f1'").get()).toEqual({ hi: 8 });
  });

  it('shows an acknowledgement made on one console on every other within a second', async () => {
    const gateway = await gatewayAt(join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite'));
    cleanup.push(() => gateway.close());
    const ann = await consoleFor(gateway.url, undefined, 'ann');
    const bob = await consoleFor(gateway.url, undefined, 'bob');
    await gateway.sink.publish([{ event: fired(1) }]);
    await until(async () => (await bob.handlers.activeAlerts({})).length === 1, 10_000, 'the console to catch up');
    const acked = Date.now();
    const result = await ann.handlers.acknowledge({ feedId: 'f1', alertId: 'alert-1', comment: 'looking' });
    expect(result.seq).toBe(2);
    await until(
      async () => (await bob.handlers.activeAlerts({}))[0]?.acknowledged !== null,
      1_000,
      'the console to catch up',
    );
    expect(Date.now() - acked).toBeLessThan(1_000);
    // Both consoles use the plain token: the gateway attributes the acknowledgement to "console".
    expect((await bob.handlers.activeAlerts({}))[0]!.acknowledged).toMatchObject({ by: 'console', comment: 'looking' });
    expect((await bob.handlers.timeline({ feedId: 'f1', alertId: 'alert-1' })).map((e) => e.kind)).toEqual([
      'fired',
      'acknowledged',
    ]);
  });

  it('finds alerts by full-text search over title, body and labels', async () => {
    const gateway = await gatewayAt(join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite'));
    cleanup.push(() => gateway.close());
    const core = await consoleFor(gateway.url);
    await gateway.sink.publish([1, 2, 3].map((n) => ({ event: fired(n) })));
    await until(() => core.store.cursor('f1') === 3, 10_000, 'the console to catch up');
    expect(
      (await core.handlers.searchHistory({ filter: { text: 'number 2' }, limit: 10 })).rows.map((r) => r.alertId),
    ).toEqual(['alert-2']);
    expect((await core.handlers.searchHistory({ filter: { text: 'disk' }, limit: 10 })).total).toBe(3);
    expect(
      (await core.handlers.searchHistory({ filter: { text: '"); DROP TABLE alerts; --' }, limit: 10 })).total,
    ).toBe(0);
  });

  it('created, observed, then started: an observer added before start hears every commit and status, none before', async () => {
    const gateway = await gatewayAt(join(mkdtempSync(join(tmpdir(), 'tocsin-gw-')), 'journal.sqlite'));
    cleanup.push(() => gateway.close());
    await gateway.sink.publish([1, 2].map((n) => ({ event: fired(n) })));
    const core = await ConsoleCore.create({
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-core-')),
      userName: 'ann',
      feeds: [{ id: 'f1', name: 'test feed', url: gateway.url, token: TOKEN }],
      random: () => 0.01,
    });
    cleanup.push(() => core.close());
    const heard: string[] = [];
    core.observe({
      onCommitted: (changes) =>
        heard.push(...changes.map((c) => `${c.event.alertId}${c.replayed ? ' (replayed)' : ''}`)),
      onSnapshot: () => heard.push('snapshot'),
      onFeedStatus: (status) => heard.push(status.state),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]); // not connected until started
    expect(core.feedStatuses().map((s) => s.state)).toEqual(['connecting']);
    core.start();
    await until(() => heard.includes('live'), 10_000, 'the console to catch up');
    await gateway.sink.publish([{ event: fired(3) }]);
    await until(() => heard.includes('alert-3'), 10_000, 'the console to catch up');
    expect(heard.filter((h) => h.startsWith('alert-'))).toEqual([
      'alert-1 (replayed)',
      'alert-2 (replayed)',
      'alert-3',
    ]);
    expect(heard[0]).toBe('connecting');
  });

  it('reports a damaged history file clearly and leaves it untouched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-core-'));
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(historyPath(dataDir), 'this is not a database, it is half of one'.repeat(200));
    const before = readFileSync(historyPath(dataDir));
    await expect(ConsoleCore.open({ dataDir, userName: 'ann', feeds: [] })).rejects.toThrow(
      /alert history .*history\.sqlite is damaged.*has not touched it/,
    );
    expect(readFileSync(historyPath(dataDir)).equals(before)).toBe(true);
  });
});

describe('ConsoleCore presence', () => {
  it("tells each feed's gateway whether its window is watched, after welcome and on every change", async () => {
    const sockets: ScriptedSocket[] = [];
    const core = await ConsoleCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-core-')),
      userName: 'ann',
      feeds: [{ id: 'f1', name: 'scripted', url: 'ws://gateway.test/v1/feed', token: TOKEN }],
      connect: () => {
        const socket = new ScriptedSocket();
        sockets.push(socket);
        return socket;
      },
    });
    cleanup.push(() => core.close());
    const socket = sockets[0]!;
    const presence = () => socket.sent.filter((f) => f.type === 'presence').map((f) => f.state);
    socket.emit('open');
    const streams = { alerts: { first: 0, last: 0 } };
    socket.receive({ type: 'welcome', v: 1, gateway: { name: 'g', version: '1' }, heartbeatMs: 1000, streams });
    expect(presence()).toEqual(['hidden']); // no shell has reported yet: nobody can see it
    core.setWindowState({ visible: true, minimized: false, focused: false });
    core.setWindowState({ visible: true, minimized: false, focused: true });
    core.setWindowState({ visible: true, minimized: true, focused: false });
    expect(presence()).toEqual(['hidden', 'watched', 'hidden']);
  });
});
