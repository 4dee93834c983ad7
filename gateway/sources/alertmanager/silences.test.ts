import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../main/core/protocol/alert.js';
import { AlertmanagerSilencer, SilenceStore } from './silences.js';

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
