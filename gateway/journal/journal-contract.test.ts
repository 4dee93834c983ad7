/**
 * One contract for every backend of the journal port (issue #18): the SQLite file, and a
 * JetStream stream on a real nats-server started here (loopback port, store in a temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { EventFrameSchema } from '../../common/protocol/frames.js';
import { startNats, type NatsCluster } from '../../tests/support/nats.js';
import { until } from '../../tests/support/until.js';
import { JournalConfigSchema } from './journal-config.js';
import type { JournalPort } from './journal-port.js';
import { openJournal } from './open-journal.js';

/** A backend under test: `place` names one journal (a file, a stream); `destroy` deletes it. */
type Backend = {
  open(place: string, options?: { maxEvents?: number }): Promise<JournalPort>;
  destroy(place: string): Promise<void>;
};

let nats: NatsCluster | null = null;
const dir = mkdtempSync(join(tmpdir(), 'tocsin-contract-'));
const opened: JournalPort[] = [];
const deps = { clock: systemClock, log: () => {} };
let places = 0;

const backends: Record<string, Backend> = {
  sqlite: {
    open: async (place, options = {}) =>
      openJournal(JournalConfigSchema.parse({ path: join(dir, place), ...options }), deps),
    destroy: async (place) => rmSync(join(dir, place), { force: true }),
  },
  jetstream: {
    open: async (place, options = {}) =>
      openJournal(
        JournalConfigSchema.parse({ kind: 'jetstream', servers: nats!.servers, stream: place, ...options }),
        deps,
      ),
    destroy: async (place) => {
      const nc = await connect({ servers: nats!.servers });
      await (await jetstreamManager(nc)).streams.delete(place);
      await nc.close();
    },
  },
};

beforeAll(async () => {
  nats = await startNats(1);
}, 30_000);
afterAll(async () => {
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const journal of opened.splice(0)) await journal.close();
});

const fired = (n: number, at = Date.now()): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at,
  alert: { title: `alert ${n}`, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: at },
});
const acknowledged = (n: number): AlertEvent => ({
  kind: 'acknowledged',
  alertId: `a${n}`,
  source: 'test',
  at: Date.now(),
  by: 'ann',
});

describe.each(Object.keys(backends))('the journal port, %s backend', (kind) => {
  const backend = backends[kind]!;
  const open = async (place: string, options?: { maxEvents?: number }) => {
    const journal = await backend.open(place, options);
    opened.push(journal);
    await journal.start?.();
    return journal;
  };
  const place = () => `J${++places}`;

  it('gives events contiguous seqs from 1 and serves them as valid event frames', async () => {
    const journal = await open(place());
    expect(await journal.append([{ event: fired(1) }, { event: fired(2) }, { event: acknowledged(1) }])).toEqual([
      1, 2, 3,
    ]);
    expect(journal.bounds()).toEqual({ first: 1, last: 3 });
    const frames = journal.readAfter(1, 10);
    expect(frames.map((f) => f.seq)).toEqual([2, 3]);
    for (const { seq, frame } of frames) expect(EventFrameSchema.parse(JSON.parse(frame))).toMatchObject({ seq });
    expect(journal.alertState('a1')).toMatchObject({ status: 'firing', acknowledged: { by: 'ann' }, lastSeq: 3 });
    expect(
      journal
        .firingAlerts()
        .map((a) => a.alertId)
        .sort(),
    ).toEqual(['a1', 'a2']);
  });

  it('stores an entry once per dedup key, in one batch or across calls', async () => {
    const journal = await open(place());
    expect(await journal.append([{ event: fired(1), dedupKey: 'k1' }])).toEqual([1]);
    expect(
      await journal.append([
        { event: fired(1), dedupKey: 'k1' },
        { event: fired(2), dedupKey: 'k2' },
      ]),
    ).toEqual([null, 2]);
    expect(journal.bounds().last).toBe(2);
  });

  it('keeps the first result recorded under an action id (compare-and-set)', async () => {
    const journal = await open(place());
    expect(await journal.actionResult('act-1')).toBeUndefined();
    expect(await journal.recordActionResult('act-1', '{"first":true}', Date.now())).toBe('{"first":true}');
    expect(await journal.recordActionResult('act-1', '{"second":true}', Date.now())).toBe('{"first":true}');
    expect(await journal.actionResult('act-1')).toBe('{"first":true}');
  });

  it('keeps its identity and events across a reopen; a journal made again is a new journal', async () => {
    const where = place();
    const first = await open(where);
    await first.append([{ event: fired(1) }]);
    const id = first.id;
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const again = await open(where);
    expect(again.id).toBe(id);
    expect(again.bounds().last).toBe(1);
    expect(again.alertState('a1')).toMatchObject({ status: 'firing' });
    await again.close();
    opened.splice(opened.indexOf(again), 1);
    await backend.destroy(where);
    const remade = await open(where);
    expect(remade.id).not.toBe(id);
    expect(remade.bounds().last).toBe(0);
    expect(remade.alertState('a1')).toBeUndefined();
  });

  it('bounds the replay window by count, and keeps firing alerts whose events left it', async () => {
    const where = place();
    const journal = await open(where, { maxEvents: 10 });
    await journal.append(Array.from({ length: 15 }, (_, i) => ({ event: fired(i + 1) })));
    await journal.trim(Date.now());
    expect(journal.bounds()).toEqual({ first: 6, last: 15 });
    expect(journal.readAfter(5, 100).map((f) => f.seq)[0]).toBe(6);
    await journal.close();
    opened.splice(opened.indexOf(journal), 1);
    const again = await open(where, { maxEvents: 10 });
    expect(again.bounds()).toEqual({ first: 6, last: 15 });
    expect(again.alertState('a1')).toMatchObject({ status: 'firing', lastSeq: 1 });
    expect(again.firingAlerts()).toHaveLength(15);
  });

  it('forgets resolved alerts older than the window when trimming, across a reopen; keeps firing ones', async () => {
    const where = place();
    const journal = await open(where, { maxEvents: 10 });
    const resolved: AlertEvent = {
      kind: 'resolved',
      alertId: 'a1',
      source: 'test',
      at: Date.now(),
      endsAt: Date.now(),
    };
    await journal.append([{ event: fired(1) }, { event: resolved }, { event: fired(2) }]);
    await journal.append(Array.from({ length: 10 }, (_, i) => ({ event: fired(100 + i) }))); // 1..3 leave the window
    await journal.trim(Date.now() + 8 * 24 * 3600_000);
    await journal.close();
    opened.splice(opened.indexOf(journal), 1);
    const again = await open(where, { maxEvents: 10 });
    expect(again.alertState('a1')).toBeUndefined();
    expect(again.alertState('a2')).toMatchObject({ status: 'firing' });
  });

  it('tells its listeners about new frames', async () => {
    const journal = await open(place());
    let told = 0;
    journal.onAppended(() => told++);
    await journal.append([{ event: fired(1) }]);
    await until(() => told > 0, 5_000, 'told about the append');
    expect(journal.health()).toMatchObject({ reachable: true, caughtUp: true });
  });
});

describe('the JetStream backend across gateways', () => {
  it('shows each gateway what another journaled, in the same order under the same seqs', async () => {
    const stream = `X${++places}`;
    const a = await backends.jetstream!.open(stream);
    const b = await backends.jetstream!.open(stream);
    opened.push(a, b);
    await Promise.all([a.start?.(), b.start?.()]);
    expect(a.id).toBe(b.id);
    await Promise.all([
      a.append(Array.from({ length: 50 }, (_, i) => ({ event: fired(i) }))),
      b.append(Array.from({ length: 50 }, (_, i) => ({ event: fired(100 + i) }))),
    ]);
    await until(() => a.bounds().last === 100 && b.bounds().last === 100, 5_000, 'both at 100');
    expect(a.readAfter(0, 200)).toEqual(b.readAfter(0, 200));
    // An HA pair posting the same alert to both: stored once.
    const both = await Promise.all([
      a.append([{ event: fired(7), dedupKey: 'am-7' }]),
      b.append([{ event: fired(7), dedupKey: 'am-7' }]),
    ]);
    expect(both.flat().filter((seq) => seq !== null)).toHaveLength(1);
  });

  it('refuses a stream configured differently from the file, and leaves it as it is', async () => {
    const stream = `Y${++places}`;
    opened.push(await backends.jetstream!.open(stream, { maxEvents: 10 }));
    await expect(backends.jetstream!.open(stream, { maxEvents: 20 })).rejects.toThrow(
      /configured differently.*max_msgs is 10, journal.maxEvents wants 20.*refusing to alter it/,
    );
    const again = await backends.jetstream!.open(stream, { maxEvents: 10 });
    opened.push(again);
  });

  it('names the servers when NATS cannot be reached at start', async () => {
    await expect(
      openJournal(JournalConfigSchema.parse({ kind: 'jetstream', servers: ['nats://127.0.0.1:1'], stream: 'Z' }), deps),
    ).rejects.toThrow(/cannot reach NATS at nats:\/\/127.0.0.1:1/);
  });
});
