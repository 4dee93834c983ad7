/**
 * console killed while writing: the browser console (its core writes the history in
 * a worker thread) is SIGKILLed at random moments while the gateway streams 500 events a second.
 * After every kill: `PRAGMA integrity_check` is ok, the stored seqs are exactly 1..cursor (so
 * nothing acknowledged is missing: acks follow commits), the cursor equals the highest stored
 * seq, and the next start resumes from it. At the end every published event is stored once.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postEvents, startConsole, startGatewayProcess } from '../e2e/fixtures.js';
import { scale, until } from './soak.js';

const KILLS = scale(20, 200);

function inspect(dataDir: string) {
  const db = new Database(join(dataDir, 'history.sqlite'), { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const { n, hi } = db
      .prepare("SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS hi FROM events WHERE feed_id = 'cli'")
      .get() as { n: number; hi: number };
    const cursor =
      (db.prepare("SELECT seq FROM cursors WHERE feed_id = 'cli'").get() as { seq: number } | undefined)?.seq ?? 0;
    return { integrity, n, hi, cursor };
  } finally {
    db.close();
  }
}

describe('console killed while writing', () => {
  it(`survives ${KILLS} SIGKILLs at 500 events/s with an intact, contiguous history`, async () => {
    const gateway = await startGatewayProcess();
    const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-kill-'));
    let published = 0;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        const batch = Array.from({ length: 50 }, () => ({
          kind: 'fired',
          alertId: `k${++published}`,
          alert: { title: `event ${published}`, body: 'x'.repeat(200), severity: 'warning', category: 'performance' },
        }));
        await postEvents(gateway, batch);
        await new Promise((r) => setTimeout(r, 100)); // 50 per 100 ms: 500 events per second
      }
    })();
    const cursors: number[] = [];
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const tocsin = await startConsole({ dataDir, feed: gateway });
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
        tocsin.process.child.kill('SIGKILL');
        await new Promise<void>((resolve) =>
          tocsin.process.child.exitCode !== null || tocsin.process.child.signalCode !== null
            ? resolve()
            : tocsin.process.child.once('exit', () => resolve()),
        );
        const state = inspect(dataDir);
        expect(state.integrity).toBe('ok');
        expect(state.n).toBe(state.hi); // seqs 1..hi, each once: contiguous
        expect(state.cursor).toBe(state.hi);
        cursors.push(state.cursor);
      }
      publishing = false;
      await publisher;
      const last = await startConsole({ dataDir, feed: gateway });
      await until(() => inspect(dataDir).cursor === published, 30_000, `catching up to ${published}`);
      await last.process.stop();
      const final = inspect(dataDir);
      expect(final).toEqual({ integrity: 'ok', n: published, hi: published, cursor: published });
      // It resumed after restarts: the cursor moved forward across the kills.
      expect(cursors.at(-1)!).toBeGreaterThan(cursors[0]!);
      console.log(
        `console kill: ${KILLS} SIGKILLs, ${published} events, all stored once, integrity ok every time; cursors ${cursors.slice(0, 5).join(', ')} … ${cursors.at(-1)}`,
      );
    } finally {
      publishing = false;
      await publisher.catch(() => undefined);
      await gateway.process.stop();
    }
  }, 300_000);
});
