/**
 * slow consumer: a console stops reading while alerts keep coming. The gateway must
 * close it at its buffer bound (4002) instead of holding its backlog, its memory must stay flat
 * while the backlog grows in the journal, and the console must later resume with nothing lost.
 * Real parts: a standalone gateway process, a real WebSocket client that stops reading its TCP
 * socket but keeps pinging, and a ConsoleCore with its SQLite history that resumes afterwards.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConsoleCore } from '../../main/core/console-core.js';
import { SUBPROTOCOL } from '../../common/protocol/frames.js';
import { postEvents, startGatewayProcess } from '../e2e/fixtures.js';
import { scale, until } from './soak.js';

const BATCHES = scale(100, 1_000);
const PER_BATCH = 500;
const rssMb = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;
const body = 'x'.repeat(200);

/** Publish BATCHES × PER_BATCH events to a gateway process, sampling its RSS every 10 batches. */
async function publishSampling(
  gateway: Awaited<ReturnType<typeof startGatewayProcess>>,
): Promise<Array<{ events: number; rss: number }>> {
  const pid = gateway.process.child.pid!;
  const samples = [{ events: 0, rss: rssMb(pid) }];
  let sent = 0;
  for (let b = 0; b < BATCHES; b++) {
    await postEvents(
      gateway,
      Array.from({ length: PER_BATCH }, (_, i) => ({
        kind: 'fired',
        alertId: `a${(sent + i) % 5_000}`,
        alert: { title: `event ${sent + i}`, body, severity: 'warning', category: 'performance' },
      })),
    );
    sent += PER_BATCH;
    if (b % 10 === 9) samples.push({ events: sent, rss: rssMb(pid) });
  }
  return samples;
}

describe('slow consumer', () => {
  it(`is closed with 4002 while ${BATCHES * PER_BATCH} events arrive, the gateway's memory stays flat, and a console resumes every event`, async () => {
    // Baseline in the same run: the same events into a gateway nobody is connected to.
    const idle = await startGatewayProcess();
    const baseline = await publishSampling(idle).finally(() => idle.process.stop());
    // A stall bound of 2 s instead of 30 s, so the short version is short; the mechanism is the same.
    const gateway = await startGatewayProcess({ limits: { stallTimeoutMs: 2_000 } });
    const pid = gateway.process.child.pid!;
    // The slow consumer: alive (it pings) but it stops reading its socket, as a console stuck
    // behind a slow disk or a starved CPU does. pause() stops reading from the TCP socket.
    const slow = new WebSocket(gateway.url, SUBPROTOCOL, {
      headers: { authorization: `Bearer ${gateway.token}` },
      perMessageDeflate: false,
    });
    const closed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      slow.once('open', () =>
        slow.send(
          JSON.stringify({ type: 'hello', v: 1, client: { name: 'slow', version: '0' }, resume: { alerts: 0 } }),
        ),
      );
      slow.on('message', (data) => (JSON.parse(data.toString()) as { type: string }).type === 'live' && resolve());
      slow.once('error', reject);
    });
    slow.pause();
    const pinger = setInterval(
      () => slow.readyState === WebSocket.OPEN && slow.send(JSON.stringify({ type: 'ping', t: Date.now() })),
      300,
    );
    let core: ConsoleCore | null = null;
    try {
      const samples = await publishSampling(gateway);
      const sent = BATCHES * PER_BATCH;
      await until(
        () => /closing 4002: console stopped reading/.test(gateway.process.output()),
        15_000,
        `the gateway closing the slow consumer with 4002; its log: ${gateway.process.output().slice(-1_500)}`,
      );
      samples.push({ events: sent, rss: rssMb(pid) });
      clearInterval(pinger);
      slow.resume(); // it reads what was buffered, then the close frame
      expect(await closed).toBe(4002);

      // Flat: the gateway with a consumer that reads nothing grows no more than the same gateway
      // with no consumer at all (the backlog stays in the journal, not in memory).
      const growth = (series: Array<{ rss: number }>) => Math.max(...series.map((x) => x.rss)) - series[0]!.rss;
      const extra = growth(samples) - growth(baseline);
      console.log(
        `slow consumer: closed with 4002 after ${sent} events (~${Math.round((sent * (body.length + 150)) / 1024 / 1024)} MB of frames) it did not read; gateway RSS ${samples.map((x) => Math.round(x.rss)).join(' → ')} MB; with no consumer at all (baseline, same run) ${baseline.map((x) => Math.round(x.rss)).join(' → ')} MB; extra growth ${extra.toFixed(1)} MB`,
      );
      // The 1 MiB soft bound, a few MiB of socket buffers and heap noise (the heap swings by tens of
      // MB between collections over the full run); the backlog is 17 MB short, 167 MB full.
      expect(extra).toBeLessThan(scale(16, 40));

      // Nothing lost: a console resuming from the start gets every event, once, in order.
      core = await ConsoleCore.open({
        dataDir: mkdtempSync(join(tmpdir(), 'tocsin-slow-')),
        userName: 'after',
        feeds: [{ id: 'g', name: 'gateway', url: gateway.url, token: gateway.token }],
      });
      await until(() => core!.store.cursor('g') === sent, 60_000, 'the console resumed every event');
      const stored = core.store.db
        .prepare("SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events WHERE feed_id = 'g'")
        .get() as { n: number; lo: number; hi: number };
      expect(stored).toEqual({ n: sent, lo: 1, hi: sent });
    } finally {
      clearInterval(pinger);
      slow.terminate();
      await core?.close();
      await gateway.process.stop();
    }
  }, 180_000);
});
