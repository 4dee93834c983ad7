import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { AlertStore } from '../../../main/core/store/alert-store.js';
import { CheckpointThread, type CheckpointResult } from './checkpoint-thread.js';
import { WalCheckpoints } from './wal-checkpoints.js';

const fired = (seq: number) => ({
  seq,
  event: {
    kind: 'fired' as const,
    alertId: `a${seq}`,
    source: 's',
    at: 1,
    alert: {
      title: 't',
      body: 'b'.repeat(500),
      severity: 'high' as const,
      category: 'outage' as const,
      labels: {},
      startsAt: 1,
    },
  },
});
/** Frames in the WAL not yet copied into the database (the second and third of wal_checkpoint's answer). */
const unCheckpointed = (store: AlertStore) => {
  const [row] = store.db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>;
  return row!.log - row!.checkpointed;
};

describe('WalCheckpoints', () => {
  it('keeps checkpoints out of commits and takes them when the feed is quiet, or after a bounded number of writes', async () => {
    const store = AlertStore.open(join(mkdtempSync(join(tmpdir(), 'tocsin-wal-')), 'history.sqlite'));
    const clock = new ManualClock();
    const checkpoints = new WalCheckpoints(store.db, clock, {
      checkEveryMs: 1_000,
      quietMs: 250,
      maxEventsBetween: 2_000,
    });
    checkpoints.start();
    let seq = 0;
    const write = (n: number) => {
      store.commit(
        'f',
        Array.from({ length: n }, () => fired(++seq)),
        false,
      );
      checkpoints.noteWrite(n);
    };
    for (let i = 0; i < 10; i++) write(200); // far past SQLite's own 1,000-page trigger
    expect(unCheckpointed(store)).toBeGreaterThan(1_000);
    // A storm: a write every 100 ms is never quiet, so only the bound (2,000 events) checkpoints.
    clock.advance(900);
    write(200);
    clock.advance(100);
    expect(unCheckpointed(store)).toBe(0);
    write(10);
    clock.advance(100);
    expect(unCheckpointed(store)).toBeGreaterThan(0);
    clock.advance(1_000); // quiet now
    expect(unCheckpointed(store)).toBe(0);
    await checkpoints.stop();
    store.close();
  });

  it('with a checkpoint thread, the checkpoint runs there on its own connection while this thread goes on', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-wal-')), 'history.sqlite');
    const store = AlertStore.open(path);
    const clock = new ManualClock();
    const results: CheckpointResult[] = [];
    const thread = await CheckpointThread.start(path, (result) => results.push(result));
    const checkpoints = new WalCheckpoints(store.db, clock, {
      checkEveryMs: 1_000,
      quietMs: 250,
      maxEventsBetween: 2_000,
    });
    checkpoints.start();
    checkpoints.useThread(thread);
    let seq = 0;
    for (let i = 0; i < 20; i++) {
      store.commit(
        'f',
        Array.from({ length: 200 }, () => fired(++seq)),
        false,
      );
      checkpoints.noteWrite(200);
    }
    const pending = unCheckpointed(store);
    expect(pending).toBeGreaterThan(1_000);
    clock.advance(1_000); // past the bound: the request goes to the thread, and this call returns at once
    expect(unCheckpointed(store)).toBe(pending); // nothing copied on this thread
    // Writes go on while the other connection checkpoints.
    store.commit('f', [fired(++seq)], false);
    while (results.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(results[0]).toMatchObject({ ok: true, busy: 0 });
    expect((results[0] as { checkpointed: number }).checkpointed).toBeGreaterThanOrEqual(pending);
    await checkpoints.stop();
    expect(store.cursor('f')).toBe(seq);
    store.close();
  });
});
