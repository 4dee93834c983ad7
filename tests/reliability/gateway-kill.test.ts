/**
 * gateway killed mid-stream: while 100,000 events are posted and streamed, the
 * standalone gateway is SIGKILLed at random moments and restarted on the same journal (10 times;
 * 100 under `npm run soak`). The console's history must end with every journaled seq exactly
 * once, contiguous: none lost, none duplicated.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../main/core/console-core.js';
import { postEvents, startGatewayProcess, type GatewayInstance } from '../e2e/fixtures.js';
import { scale, until } from './soak.js';

const KILLS = scale(10, 100);
const EVENTS = 100_000;
const BATCH = 500;
/** Paced so the stream lasts as long as the kills (about 0.8 s per kill and restart). */
const PACE_MS = (KILLS * 800) / (EVENTS / BATCH);

describe('gateway killed mid-stream', () => {
  it(`loses and duplicates nothing across ${KILLS} SIGKILLs during ${EVENTS} events`, async () => {
    let gateway: GatewayInstance = await startGatewayProcess();
    const core = await ConsoleCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'tocsin-gwkill-')),
      userName: 'ann',
      feeds: [{ id: 'g', name: 'gateway', url: gateway.url, token: gateway.token }],
      random: Math.random,
    });
    let accepted = 0;
    let kills = 0;
    let done = false;
    const publisher = (async () => {
      let n = 0;
      while (accepted < EVENTS) {
        const batch = Array.from({ length: BATCH }, () => ({
          kind: 'fired',
          alertId: `e${++n}`,
          alert: { title: `event ${n}`, severity: 'info', category: 'other' },
        }));
        // A batch cut off by a kill may or may not be journaled; either way the journal's seqs stay
        // contiguous, which is what the console must mirror. Retry until one is acknowledged.
        for (;;) {
          try {
            accepted += (await postEvents(gateway, batch)).length;
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        await new Promise((r) => setTimeout(r, PACE_MS));
      }
      done = true;
    })();
    try {
      while (kills < KILLS && !done) {
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 400));
        gateway.process.child.kill('SIGKILL');
        await new Promise((r) => gateway.process.child.once('exit', r));
        kills++;
        gateway = await gateway.restart();
      }
      await publisher;
      const journal = new Database(gateway.journal, { readonly: true });
      const last = (journal.prepare('SELECT MAX(seq) AS last FROM events').get() as { last: number }).last;
      journal.close();
      await until(() => core.store.cursor('g') === last, 120_000, `console catching up to ${last}`);
      const stats = core.store.db
        .prepare(
          "SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MIN(seq) AS lo, MAX(seq) AS hi FROM events WHERE feed_id = 'g'",
        )
        .get();
      console.log(
        `gateway kill: ${kills} SIGKILLs, ${accepted} events acknowledged to the publisher, journal last seq ${last}, console ${JSON.stringify(stats)}`,
      );
      expect(kills).toBe(KILLS);
      expect(stats).toEqual({ n: last, d: last, lo: 1, hi: last });
      expect(last).toBeGreaterThanOrEqual(EVENTS);
    } finally {
      done = true;
      await core.close();
      await gateway.process.stop();
    }
  }, 300_000);
});
