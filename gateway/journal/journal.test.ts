import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../main/core/protocol/alert.js';
import { EventFrameSchema } from '../../main/core/protocol/frames.js';
import { Journal, type JournalOptions } from './journal.js';

const journals: Journal[] = [];
afterEach(() => journals.splice(0).forEach((j) => j.close()));
const DAY = 24 * 3600_000;
const open = (options: Partial<JournalOptions> = {}, path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite')) => {
  const journal = new Journal({ path, maxEvents: 1_000_000, maxAgeMs: 7 * DAY, ...options });
  journals.push(journal);
  return journal;
};
const fired = (n: number, at: number, body = ''): AlertEvent => ({
  kind: 'fired', alertId: `a${n}`, source: 'test', at,
  alert: { title: `alert ${n}`, body, severity: 'high', category: 'outage', labels: {}, startsAt: at },
});
const resolved = (n: number, at: number): AlertEvent => ({ kind: 'resolved', alertId: `a${n}`, source: 'test', at, endsAt: at });

describe('journal', () => {
  it('serves stored events as valid event frames, from memory and from SQLite alike', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-journal-')), 'j.sqlite');
    const first = open({}, path);
    first.append([{ event: fired(1, 1_000) }, { event: fired(2, 1_001) }]);
    const fromMemory = first.readAfter(0, 10);
    first.close();
    journals.length = 0;
    const fromDisk = open({}, path).readAfter(0, 10);
    expect(fromDisk).toEqual(fromMemory);
    for (const { seq, frame } of fromDisk) expect(EventFrameSchema.parse(JSON.parse(frame))).toMatchObject({ seq, event: { alertId: `a${seq}` } });
  });

  it('keeps one state per alert through a batch that fires and resolves the same alert', () => {
    const journal = open();
    journal.append([{ event: fired(1, 1_000) }, { event: resolved(1, 1_001) }, { event: fired(1, 1_002) }]);
    expect(journal.alertState('a1')).toMatchObject({ status: 'firing', firstSeq: 3, lastSeq: 3 });
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
    expect(journal.append([{ event: fired(1, now), dedupKey: 'old' }, { event: fired(3, now), dedupKey: 'new' }])).toEqual([5, null]);
  });
});
