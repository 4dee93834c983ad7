import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import { AlertStore } from './alert-store.js';
import { DEFAULT_FTS_INDEXING } from './fts-indexer.js';
import { enforceRetention } from './retention.js';

const fired = (alertId: string, title: string, at = 1_000): AlertEvent => ({
  kind: 'fired',
  alertId,
  source: 'test',
  at,
  alert: { title, body: '', severity: 'high', category: 'outage', labels: {}, startsAt: at },
});
const open = () => AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-fts-')), 'history.sqlite'));
const indexed = (store: AlertStore, word: string) =>
  store.db.prepare('SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?').all(word).length;
const found = (store: AlertStore, text: string) => store.searchHistory({ text }, 100).rows.map((r) => r.alertId);

describe('deferred full-text indexing', () => {
  it('a text search right after a commit finds the alert: the query catches the index up first', () => {
    const store = open();
    store.commit('f', [{ seq: 1, event: fired('a1', 'Disk full on db-01') }], false);
    expect(indexed(store, 'disk')).toBe(0); // the commit itself did not index
    expect(found(store, 'disk')).toEqual(['a1']);
    expect(store.fullText.hasPending()).toBe(false);
    expect(store.activeAlerts({ text: 'db' }).map((r) => r.alertId)).toEqual(['a1']);
    store.close();
  });

  it('re-indexes an alert whose text changed: its old words no longer match', () => {
    const store = open();
    store.commit('f', [{ seq: 1, event: fired('a1', 'Disk full') }], false);
    expect(found(store, 'disk')).toEqual(['a1']);
    store.commit('f', [{ seq: 2, event: fired('a1', 'Memory pressure') }], false);
    expect(found(store, 'memory')).toEqual(['a1']);
    expect(found(store, 'disk')).toEqual([]);
    expect(() => store.db.prepare("INSERT INTO alerts_fts(alerts_fts) VALUES ('integrity-check')").run()).not.toThrow();
    store.close();
  });

  it('an alert whose text changes again before the indexer runs is pending once (the upsert does not fail)', () => {
    const store = open();
    store.commit('f', [{ seq: 1, event: fired('a1', 'Disk full') }], false);
    store.commit(
      'f',
      [
        { seq: 2, event: fired('a1', 'Disk fuller') },
        { seq: 3, event: fired('a1', 'Disk fullest') },
      ],
      false,
    );
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM fts_pending').get()).toEqual({ n: 1 });
    expect(found(store, 'fullest')).toEqual(['a1']);
    expect(found(store, 'fuller')).toEqual([]);
    store.close();
  });

  it('indexes in the background a moment after writes, one transaction per slice, each slice a timer of its own', () => {
    const store = open();
    const clock = new ManualClock();
    const slices: number[] = [];
    const indexSome = store.fullText.indexSome.bind(store.fullText);
    store.fullText.indexSome = (max) => {
      const n = indexSome(max);
      slices.push(n);
      return n;
    };
    const timers: number[] = [];
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (run, ms) => {
      timers.push(ms);
      return setTimeout(run, ms);
    };
    store.fullText.start(clock);
    const size = DEFAULT_FTS_INDEXING.sliceSize;
    store.commit(
      'f',
      Array.from({ length: 2.5 * size }, (_, i) => ({ seq: i + 1, event: fired(`a${i}`, `Error spike ${i}`) })),
      false,
    );
    store.fullText.noteWrite();
    store.fullText.noteWrite(); // a second write before the first slice: still one pending timer
    clock.advance(DEFAULT_FTS_INDEXING.delayMs - 1);
    expect(slices).toEqual([]);
    clock.advance(1);
    expect(slices).toEqual([size, size, size / 2]);
    expect(timers).toEqual([DEFAULT_FTS_INDEXING.delayMs, 0, 0]); // the first after the delay, the rest on the next turn
    expect(indexed(store, 'spike')).toBe(2.5 * size);
    expect(store.fullText.hasPending()).toBe(false);
    store.close();
  });

  it('picks up what a previous run left pending when it starts again', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-fts-')), 'history.sqlite');
    const first = AlertStore.open(path);
    first.commit('f', [{ seq: 1, event: fired('a1', 'Certificate expires') }], false);
    first.close(); // quit before the indexer ran
    const second = AlertStore.open(path);
    const clock = new ManualClock();
    second.fullText.start(clock);
    clock.advance(100);
    expect(indexed(second, 'certificate')).toBe(1);
    second.close();
  });

  it('retention removes an expired alert from the index too', () => {
    const store = open();
    store.commit(
      'f',
      [
        { seq: 1, event: fired('old', 'Old outage', 1_000) },
        { seq: 2, event: { kind: 'resolved', alertId: 'old', source: 'test', at: 2_000, endsAt: 2_000 } },
      ],
      false,
    );
    expect(found(store, 'outage')).toEqual(['old']);
    enforceRetention(store.db, { maxAgeMs: 1_000, maxBytes: 1e12 }, 1_000_000);
    expect(indexed(store, 'outage')).toBe(0);
    store.close();
  });
});
