import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../common/protocol/alert.js';
import type { SinkEntry } from '../sink.js';
import { AlertmanagerSilencer, SilenceReconciler, SilenceStore } from './silences.js';

describe('silence store', () => {
  it('keeps silence ids across a restart, one per alert', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tocsin-silences-')), 'journal.sqlite.silences.sqlite');
    const store = new SilenceStore(path);
    store.put({ alertId: 'f1', silenceId: 's1', createdAt: 1, endsAt: 2 });
    store.put({ alertId: 'f1', silenceId: 's2', createdAt: 3, endsAt: 4 });
    store.put({ alertId: 'f2', silenceId: 's3', createdAt: 5, endsAt: 6 });
    store.close();
    const reopened = new SilenceStore(path);
    expect(reopened.get('f1')).toEqual({ alertId: 'f1', silenceId: 's2', createdAt: 3, endsAt: 4 });
    reopened.delete('f1');
    expect(reopened.get('f1')).toBeUndefined();
    expect(reopened.get('f2')?.silenceId).toBe('s3');
    reopened.close();
  });

  it('builds one equality matcher per kept label', () => {
    const alert = { labels: { alertname: 'DiskFull', instance: 'db-1' } } as unknown as AlertState;
    expect(AlertmanagerSilencer.matchers(alert)).toEqual([
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'db-1', isRegex: false, isEqual: true },
    ]);
  });
});

describe('silence reconciler', () => {
  it('resolves an acknowledged alert only after it has been missing from Alertmanager for the grace period, then expires its silence', async () => {
    const store = new SilenceStore(':memory:');
    store.put({ alertId: 'f1', silenceId: 's1', createdAt: 0, endsAt: 1 });
    store.put({ alertId: 'f2', silenceId: 's2', createdAt: 0, endsAt: 1 });
    let now = 1_000;
    const present = new Set(['f1', 'f2']);
    const expired: string[] = [];
    const published: SinkEntry[] = [];
    const states: Record<string, Partial<AlertState>> = {
      f1: { status: 'firing', startsAt: 500 },
      f2: { status: 'firing', startsAt: 600 },
    };
    const reconciler = new SilenceReconciler(
      { activeFingerprints: async () => new Set(present), expireSilence: async (id) => void expired.push(id) },
      store,
      {
        alertState: (id) => states[id] as AlertState | undefined,
        publish: async (entries) => (published.push(...entries), entries.map(() => 1)),
      },
      { intervalMs: 1_000, missingAfterMs: 10_000, now: () => now, log: () => {} },
    );
    await reconciler.tick();
    expect(published).toEqual([]);

    present.delete('f1'); // e.g. Alertmanager restarted: gone for a while, then back
    await reconciler.tick();
    now += 5_000;
    present.add('f1');
    await reconciler.tick();
    now += 6_000;
    await reconciler.tick();
    expect(published).toEqual([]);

    present.delete('f1'); // resolved while silenced: the webhook never hears of it
    await reconciler.tick();
    now += 10_000;
    await reconciler.tick();
    expect(published).toEqual([
      {
        event: { kind: 'resolved', alertId: 'f1', source: 'alertmanager', at: now, endsAt: now },
        dedupKey: `f1|${new Date(500).toISOString()}|resolved`,
      },
    ]);
    expect(expired).toEqual(['s1']);
    expect(store.get('f1')).toBeUndefined();

    // Resolved through the webhook (the silence had ended): the leftover silence record is expired too.
    states.f2 = { status: 'resolved', startsAt: 600 };
    await reconciler.tick();
    expect(published).toHaveLength(1);
    expect(expired).toEqual(['s1', 's2']);
    expect(store.all()).toEqual([]);
    store.close();
  });

  it('counts and logs a failing check without throwing', async () => {
    const store = new SilenceStore(':memory:');
    store.put({ alertId: 'f1', silenceId: 's1', createdAt: 0, endsAt: 1 });
    const logs: string[] = [];
    const reconciler = new SilenceReconciler(
      {
        activeFingerprints: async () => {
          throw new Error('connection refused');
        },
        expireSilence: async () => {},
      },
      store,
      { alertState: () => undefined, publish: async () => [] },
      { intervalMs: 1_000, missingAfterMs: 0, now: () => 0, log: (line) => logs.push(line) },
    );
    await reconciler.tick();
    expect(reconciler.failures).toBe(1);
    expect(logs).toEqual(['alertmanager: checking silenced alerts failed (1 so far): connection refused']);
    expect(store.get('f1')).toBeDefined();
    store.close();
  });

  it('asks Alertmanager nothing while another gateway of the cluster leads (shouldRun false)', async () => {
    const store = new SilenceStore(':memory:');
    store.put({ alertId: 'f1', silenceId: 's1', createdAt: 0, endsAt: 1 });
    let leader = false;
    let asked = 0;
    const reconciler = new SilenceReconciler(
      {
        activeFingerprints: async () => {
          asked++;
          return new Set(['f1']);
        },
        expireSilence: async () => {},
      },
      store,
      { alertState: () => undefined, publish: async () => [] },
      { intervalMs: 1_000, missingAfterMs: 0, now: () => 0, log: () => {}, shouldRun: () => leader },
    );
    await reconciler.tick();
    expect(asked).toBe(0);
    leader = true;
    await reconciler.tick();
    expect(asked).toBe(1);
    store.close();
  });
});
