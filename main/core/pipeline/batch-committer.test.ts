/**
 * The pipeline's write step against a real SQLite file: one transaction per turn of the event
 * loop, and never more than MAX_BATCH events in one, however many arrive in a turn.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { AlertStore } from '../store/alert-store.js';
import { BatchCommitter, MAX_BATCH } from './batch-committer.js';

const stores: AlertStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

function setup() {
  const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-bc-')), 'history.sqlite'));
  stores.push(store);
  const commits: number[] = [];
  const committer = new BatchCommitter({
    feedId: 'f',
    store,
    clock: new ManualClock(),
    random: () => 0.5,
    replaying: () => true,
    committed: (lastSeq, changes) => commits.push(changes.length),
    blocked: (message) => {
      if (message) throw new Error(message);
    },
  });
  const add = (from: number, n: number) => {
    for (let seq = from; seq < from + n; seq++) {
      committer.add({
        seq,
        event: {
          kind: 'fired',
          alertId: `a${seq}`,
          source: 's',
          at: 1_000 + seq,
          alert: { title: 't', body: '', severity: 'high', category: 'outage', labels: {}, startsAt: 1_000 },
        },
      });
    }
  };
  return { store, commits, add };
}

describe('BatchCommitter', () => {
  it('commits what arrived in one turn on the next turn, as one transaction', async () => {
    const t = setup();
    t.add(1, 10);
    expect(t.commits).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(t.commits).toEqual([10]);
    expect(t.store.cursor('f')).toBe(10);
  });

  it(`never lets one transaction grow past ${MAX_BATCH} events, however much arrives in one turn`, async () => {
    const t = setup();
    t.add(1, 2 * MAX_BATCH + 500);
    // The full batches were committed as they filled; the rest waits for the next turn.
    expect(t.commits).toEqual([MAX_BATCH, MAX_BATCH]);
    expect(t.store.cursor('f')).toBe(2 * MAX_BATCH);
    await new Promise((r) => setImmediate(r));
    expect(t.commits).toEqual([MAX_BATCH, MAX_BATCH, 500]);
    expect(t.store.cursor('f')).toBe(2 * MAX_BATCH + 500);
  });
});
