import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { EventFrameSchema } from '../../common/protocol/frames.js';
import { Journal, type JournalOptions } from './journal.js';

const journals: Journal[] = [];
afterEach(() => journals.splice(0).forEach((j) => j.close()));
const DAY = 24 * 3600_000;
const open = (
  options: Partial<JournalOptions> = {},
  path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite'),
) => {
  const journal = new Journal({ path, maxEvents: 1_000_000, maxAgeMs: 7 * DAY, ...options });
  journals.push(journal);
  return journal;
};
const fired = (n: number, at: number, body = ''): AlertEvent => ({
  kind: 'fired',
  alertId: `a${n}`,
  source: 'test',
  at,
  alert: { title: `alert ${n}`, body, severity: 'high', category: 'outage', labels: {}, startsAt: at },
});
const resolved = (n: number, at: number): AlertEvent => ({
  kind: 'resolved',
  alertId: `a${n}`,
  source: 'test',
  at,
  endsAt: at,
});

describe('journal', () => {
  it('has an identity of its own, kept across a reopen, different from any other journal', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite');
    const first = open({}, path);
    const id = first.id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    first.close();
    journals.splice(journals.indexOf(first), 1);
    expect(open({}, path).id).toBe(id);
    expect(open().id).not.toBe(id);
  });

  it('serves stored events as valid event frames, from memory and from SQLite alike', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite');
    const first = open({}, path);
    first.append([{ event: fired(1, 1_000) }, { event: fired(2, 1_001) }]);
    const fromMemory = first.readAfter(0, 10);
    first.close();
    journals.length = 0;
    const fromDisk = open({}, path).readAfter(0, 10);
    expect(fromDisk).toEqual(fromMemory);
    for (const { seq, frame } of fromDisk)
      expect(EventFrameSchema.parse(JSON.parse(frame))).toMatchObject({ seq, event: { alertId: `a${seq}` } });
  });

  it('keeps one state per alert through a batch that fires and resolves the same alert', () => {
    const journal = open();
    journal.append([{ event: fired(1, 1_000) }, { event: resolved(1, 1_001) }, { event: fired(1, 1_002) }]);
    expect(journal.alertState('a1')).toMatchObject({ status: 'firing', firstSeq: 3, lastSeq: 3 });
  });

  it('never reuses a seq: a trim that empties the window, a reopen, and a failed write all keep numbering forward', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite');
    const first = open({ maxAgeMs: DAY }, path);
    first.append([{ event: fired(1, 1_000) }, { event: fired(2, 1_000) }, { event: fired(3, 1_000) }]);
    first.trim(1_000 + 2 * DAY); // nothing journaled for longer than the window: every event goes
    expect(first.bounds()).toEqual({ first: 4, last: 3 });
    expect(first.append([{ event: fired(4, 3 * DAY) }])).toEqual([4]);
    first.trim(5 * DAY);
    first.close();
    journals.length = 0;
    const reopened = open({ maxAgeMs: DAY }, path);
    expect(reopened.bounds()).toEqual({ first: 5, last: 4 }); // the floor remembers, though no event is left
    const other = new Database(path);
    other.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.alert_id = 'a6' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    other.close();
    expect(() => reopened.append([{ event: fired(5, 5 * DAY) }, { event: fired(6, 5 * DAY) }])).toThrow(/disk full/);
    expect(reopened.append([{ event: fired(7, 5 * DAY) }])).toEqual([5]); // the failed batch took no seqs
    expect(reopened.readAfter(4, 10).map((f) => f.seq)).toEqual([5]);
  });

  it('bounds the replay window by approximate size', () => {
    const journal = open({ maxBytes: 50_000 });
    journal.append(Array.from({ length: 100 }, (_, i) => ({ event: fired(i + 1, 1_000, 'x'.repeat(1_000)) })));
    journal.trim(2_000);
    const { first, last } = journal.bounds();
    expect(last).toBe(100);
    // about 1,200 bytes a frame: 41 or so fit in 50,000 bytes
    expect(last - first + 1).toBeGreaterThan(35);
    expect(last - first + 1).toBeLessThan(50);
    expect(journal.readAfter(first - 1, 1)[0]!.seq).toBe(first);
  });

  it('forgets dedup keys, action results and resolved alerts older than the window, and keeps the rest', () => {
    const journal = open({ maxAgeMs: DAY });
    const old = 1_000;
    const now = old + 2 * DAY;
    journal.append([{ event: fired(1, old), dedupKey: 'old' }, { event: fired(2, old) }]);
    journal.append([{ event: resolved(1, old) }]);
    journal.recordActionResult('action-old', '{}', old);
    journal.append([{ event: fired(3, now), dedupKey: 'new' }]);
    journal.recordActionResult('action-new', '{}', now);
    journal.trim(now);
    expect(journal.bounds()).toEqual({ first: 4, last: 4 });
    expect(journal.alertState('a1')).toBeUndefined(); // resolved long ago
    expect(journal.alertState('a2')).toMatchObject({ status: 'firing' }); // still firing: kept for snapshots
    expect(journal.actionResult('action-old')).toBeUndefined();
    expect(journal.actionResult('action-new')).toBe('{}');
    expect(
      journal.append([
        { event: fired(1, now), dedupKey: 'old' },
        { event: fired(3, now), dedupKey: 'new' },
      ]),
    ).toEqual([5, null]);
  });
});
