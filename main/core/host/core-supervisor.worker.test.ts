/**
 * The supervisor with the real worker bundle: a worker that really crashes and one that really
 * hangs are restarted on the same history (the decisions themselves: core-supervisor.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../../../common/clock.js';
import { until } from '../../../tests/support/until.js';
import { CoreHost } from './core-host.js';
import { CoreSupervisor } from './core-supervisor.js';

const open: CoreSupervisor[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('CoreSupervisor with the real worker', () => {
  const root = join(import.meta.dirname, '../../..');
  it('restarts a worker that crashed and one that hung, on the same history', async () => {
    process.env.TOCSIN_TEST_HOOKS = '1'; // read by the worker when it starts
    onTestFinished(() => void delete process.env.TOCSIN_TEST_HOOKS);
    const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-supervisor-'));
    const logs: string[] = [];
    const alarms: string[] = [];
    const supervisor = await CoreSupervisor.start({
      start: () =>
        CoreHost.start(join(root, 'dist/core/worker.cjs'), { dataDir, userName: 'ann', notifications: 'off' }),
      clock: systemClock,
      log: (l) => logs.push(l),
      raiseAlarm: (t) => alarms.push(t),
      timing: { hangAfterMs: 1500 },
    });
    open.push(supervisor);
    expect(supervisor.running).toBe(true);
    const answering = async () => (await supervisor.invoke('feedStatus', {})).ok;
    const committed = async () => {
      const result = await supervisor.invoke('searchHistory', { filter: { status: 'any' }, limit: 1 });
      return result.ok ? result.value.total : -1;
    };
    for (const fault of ['crash', 'hang'] as const) {
      await until(
        async () => (await committed()) > 0,
        15_000,
        () => `events committed; log: ${logs.join(' | ')}`,
      );
      const before = await committed();
      const faulted = Date.now();
      supervisor.injectFault(fault);
      await until(
        () => !supervisor.running,
        3_000,
        () => `the core down; log: ${logs.join(' | ')}`,
      );
      const downAfter = Date.now() - faulted;
      expect(downAfter).toBeLessThan(fault === 'crash' ? 500 : 2_500);
      await until(answering, 10_000, () => `the core answering again; log: ${logs.join(' | ')}`);
      expect(await committed()).toBeGreaterThanOrEqual(before); // the same history, reopened
    }
    expect(logs[0]).toMatch(
      /^tocsin: core down: the core worker failed: RangeError: test hook: the core crashed on purpose \(exit code 1\); restarting in 0\.25 s$/,
    );
    expect(
      logs.some((l) =>
        /^tocsin: core down: the core stopped answering \(no heartbeat for 1\.\d+ s\) \(exit code 1\)/.test(l),
      ),
    ).toBe(true);
    expect(alarms).toEqual(['Tocsin core restarting', 'Tocsin core restarting']);
  }, 40_000);
});
