import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { JournalConfigSchema } from './journal-config.js';
import { openJournal } from './open-journal.js';

const binding = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);
const config = JournalConfigSchema.parse({ path: ':memory:', maxEvents: 100, maxAgeMs: 60_000 });
const deps = { clock: systemClock, log: () => {} };

describe('the SQLite journal backend', () => {
  it('loads better-sqlite3 from the native binding it is given (Electron loads its own build)', async () => {
    const journal = await openJournal(config, { ...deps, nativeBinding: binding });
    expect(journal.kind).toBe('sqlite');
    expect(journal.health()).toMatchObject({ reachable: true, caughtUp: true });
    await journal.close();
  });

  it('names the journal when the native binding cannot be loaded', async () => {
    await expect(openJournal(config, { ...deps, nativeBinding: '/nonexistent/better_sqlite3.node' })).rejects.toThrow(
      /cannot open the gateway journal :memory:.*nonexistent/,
    );
  });
});
