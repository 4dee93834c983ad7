/**
 * The supervisor's decisions, on a manual clock with stand-in cores (nothing sleeps): what it says
 * when a core dies or hangs, when and how often it restarts, what a restarted core is told, and what
 * a core that keeps failing looks like. core-supervisor.worker.test.ts runs the real worker
 * bundle and really crashes and hangs it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus, Result, UiUpdate } from '../../../common/api/contract.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { TimerHandle } from '../../../common/clock.js';
import type { TrayModel } from '../../../common/tray-model.js';
import type { CoreDown } from './core-host.js';
import { CoreSupervisor, type SupervisedCore, type SupervisorTiming } from './core-supervisor.js';
import type { ShellNotificationEvent } from './messages.js';
import type { NotificationRequest } from '../notify/request.js';
import type { CoreFault } from './messages.js';
import type { WindowState } from '../../../common/window-state.js';
import { feedStatus } from '../../../tests/support/feed-status.js';

const feed = (feedId: string, state: FeedStatus['state'] = 'live'): FeedStatus =>
  feedStatus(state, { feedId, name: `Feed ${feedId}`, url: `ws://${feedId}`, since: 1, lastSeq: 7 });

/** A stand-in core: beats every 0.5 s on the manual clock until it dies or hangs; records what it is told. */
class FakeCore implements SupervisedCore {
  readonly told: Array<[string, unknown]> = [];
  readonly embeddedGatewayUrl: string | null;
  closed = false;
  readonly listeners = {
    update: new Set<(u: UiUpdate) => void>(),
    open: new Set<(f: string, a: string) => void>(),
    show: new Set<() => void>(),
    tray: new Set<(m: TrayModel) => void>(),
    beat: new Set<() => void>(),
    down: new Set<(d: CoreDown) => void>(),
    notify: new Set<(id: string, r: NotificationRequest) => void>(),
    external: new Set<(url: string) => void>(),
  };
  private beating: TimerHandle | null = null;

  constructor(
    private readonly clock: ManualClock,
    readonly n: number,
    readonly feeds: FeedStatus[],
  ) {
    this.embeddedGatewayUrl = `ws://127.0.0.1:${9000 + n}/v1/feed`;
    this.beat();
  }
  invoke(op: string): Promise<Result<unknown>> {
    this.told.push(['invoke', op]);
    return Promise.resolve({
      ok: true,
      value: op === 'feedStatus' ? this.feeds : op === 'activeAlerts' ? [] : { from: this.n },
    });
  }
  onUpdate = (l: (u: UiUpdate) => void) => this.add(this.listeners.update, l);
  onOpenAlert = (l: (f: string, a: string) => void) => this.add(this.listeners.open, l);
  onShowConsole = (l: () => void) => this.add(this.listeners.show, l);
  onTrayModel = (l: (m: TrayModel) => void) => this.add(this.listeners.tray, l);
  onHeartbeat = (l: () => void) => this.add(this.listeners.beat, l);
  onDown = (l: (d: CoreDown) => void) => this.add(this.listeners.down, l);
  onNotify = (l: (id: string, r: NotificationRequest) => void) => this.add(this.listeners.notify, l);
  onOpenExternal = (l: (url: string) => void) => this.add(this.listeners.external, l);
  answerNotification(id: string, event: ShellNotificationEvent) {
    this.told.push(['answer', [id, event.kind]]);
  }
  notify(id: string, request: NotificationRequest) {
    for (const l of this.listeners.notify) l(id, request);
  }
  snoozeNotifications(hours: number) {
    this.told.push(['snooze', hours]);
  }
  setNotificationsPaused(paused: boolean) {
    this.told.push(['pause', paused]);
  }
  setWindowState(state: WindowState) {
    this.told.push(['window', state]);
  }
  injectFault(fault: CoreFault) {
    this.told.push(['fault', fault]);
  }
  close() {
    this.closed = true;
    this.stopBeating();
    return Promise.resolve();
  }
  terminate(reason: string) {
    this.told.push(['terminate', reason]);
    this.die(reason, 1);
    return Promise.resolve(1);
  }
  update(update: Partial<UiUpdate>) {
    for (const l of this.listeners.update) l({ alerts: [], metrics: [], feeds: [], ...update });
  }
  tray(model: TrayModel) {
    for (const l of this.listeners.tray) l(model);
  }
  die(reason: string, exitCode: number) {
    this.stopBeating();
    for (const l of this.listeners.down) l({ reason, exitCode });
  }
  hang() {
    this.stopBeating();
  }
  private beat() {
    this.beating = this.clock.setTimeout(() => {
      for (const l of this.listeners.beat) l();
      this.beat();
    }, 500);
  }
  private stopBeating() {
    if (this.beating) this.clock.clearTimeout(this.beating);
    this.beating = null;
  }
  private add<T>(set: Set<T>, l: T) {
    set.add(l);
    return () => set.delete(l);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function harness(options: { timing?: Partial<SupervisorTiming>; feeds?: FeedStatus[] } = {}) {
  const clock = new ManualClock(1_000_000);
  const cores: FakeCore[] = [];
  const startFailures: string[] = [];
  const logs: string[] = [];
  const alarms: Array<[string, string]> = [];
  const starts: number[] = [];
  const start = async () => {
    starts.push(clock.now());
    const failure = startFailures.shift();
    if (failure) throw new Error(failure);
    const core = new FakeCore(clock, cores.length, options.feeds ?? [feed('prod'), feed('lab', 'stale')]);
    cores.push(core);
    return core;
  };
  const supervisor = await CoreSupervisor.start({
    start,
    clock,
    log: (l) => logs.push(l),
    raiseAlarm: (t, b) => alarms.push([t, b]),
    ...(options.timing ? { timing: options.timing } : {}),
  });
  open.push(supervisor);
  const updates: UiUpdate[] = [];
  const trays: TrayModel[] = [];
  supervisor.onUpdate((u) => updates.push(u));
  supervisor.onTrayModel((m) => trays.push(m));
  /** Let promises settle, move the clock, let them settle again. */
  const step = async (ms: number) => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  await flush();
  return {
    clock,
    cores,
    startFailures,
    logs,
    alarms,
    starts,
    supervisor,
    updates,
    trays,
    step,
    last: () => cores.at(-1)!,
  };
}

let open: CoreSupervisor[] = [];
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});

describe('CoreSupervisor', () => {
  it('passes calls, updates, trays, open and show requests through to the running core', async () => {
    const h = await harness();
    const opened: string[] = [];
    h.supervisor.onOpenAlert((f, a) => opened.push(`${f}/${a}`));
    expect(await h.supervisor.invoke('notificationHealth', {})).toEqual({ ok: true, value: { from: 0 } });
    h.last().update({ feeds: [feed('prod')] });
    h.last().tray({
      state: 'ok',
      status: '1 feed live',
      counts: { firing: 0, critical: 0, security: 0, unacknowledged: 0 },
      snoozedUntil: null,
      notificationsPaused: false,
    });
    expect(h.updates.at(-1)!.feeds).toEqual([feed('prod')]);
    expect(h.trays.at(-1)!.state).toBe('ok');
    expect(h.supervisor.embeddedGatewayUrl).toBe('ws://127.0.0.1:9000/v1/feed');
    h.supervisor.injectFault('crash');
    expect(h.last().told).toContainEqual(['fault', 'crash']);
    expect(opened).toEqual([]);
    // Open on a digest or a feed notification reaches the shell as "show the console".
    let shown = 0;
    h.supervisor.onShowConsole(() => shown++);
    for (const listener of h.last().listeners.show) listener();
    expect(shown).toBe(1);
  });

  it('on a crash: logs the reason and exit code, marks every feed "core restarting", shows the tray disconnected, raises one alarm, answers unavailable', async () => {
    const h = await harness();
    h.last().die('the core worker failed: RangeError: Invalid array length', 1);
    await flush();
    expect(h.logs).toEqual([
      'tocsin: core down: the core worker failed: RangeError: Invalid array length (exit code 1); restarting in 0.25 s',
    ]);
    const outage = h.updates.at(-1)!;
    expect(outage.feeds.map((f) => [f.feedId, f.state, f.lastError, f.core?.state])).toEqual([
      [
        'prod',
        'disconnected',
        'core restarting: the core worker failed: RangeError: Invalid array length',
        'restarting',
      ],
      [
        'lab',
        'disconnected',
        'core restarting: the core worker failed: RangeError: Invalid array length',
        'restarting',
      ],
    ]);
    expect(outage.feeds[0]!.nextRetryAt).toBe(h.clock.now() + 250);
    expect(h.trays.at(-1)).toMatchObject({
      state: 'disconnected',
      icon: 'tray-disconnected',
      status: 'Core restarting: the core worker failed: RangeError: Invalid array length',
    });
    expect(h.alarms).toEqual([
      [
        'Tocsin core restarting',
        'the core worker failed: RangeError: Invalid array length. Alerts are not being received until it is back; restarting in 0.25 s.',
      ],
    ]);
    expect(await h.supervisor.invoke('activeAlerts', {})).toEqual({
      ok: false,
      code: 'unavailable',
      message: 'the core is restarting: the core worker failed: RangeError: Invalid array length',
    });
    expect(h.supervisor.running).toBe(false);
  });

  it('restarts after 0.25 s, 0.5 s, 1 s … capped at 30 s, and a minute up resets the backoff', async () => {
    const h = await harness();
    const gaps: number[] = [];
    for (let i = 0; i < 9; i++) {
      const downAt = h.clock.now();
      h.last().die('boom', 1);
      const before = h.cores.length;
      while (h.cores.length === before) await h.step(50);
      gaps.push(h.starts.at(-1)! - downAt);
      await h.step(1000); // up for a second only
    }
    expect(gaps).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    await h.step(61_000); // up for a minute (still beating: no hang)
    const downAt = h.clock.now();
    h.last().die('boom', 1);
    while (h.starts.at(-1)! < downAt) await h.step(50);
    expect(h.starts.at(-1)! - downAt).toBe(250);
    expect(h.last().closed).toBe(false);
  });

  it('tells the restarted core the window state, the rest of the snooze and the pause, and keeps every listener', async () => {
    const h = await harness();
    const window = { visible: true, minimized: false, focused: true };
    h.supervisor.setWindowState(window);
    h.supervisor.snoozeNotifications(1);
    h.supervisor.setNotificationsPaused(true);
    await h.step(30 * 60_000 - 250);
    h.last().die('boom', 1);
    await h.step(250);
    expect(h.cores).toHaveLength(2);
    expect(h.last().told.filter(([k]) => k !== 'invoke')).toEqual([
      ['window', window],
      ['snooze', 0.5],
      ['pause', true],
    ]);
    h.last().update({ feeds: [feed('prod')] });
    expect(h.updates.at(-1)!.feeds).toEqual([feed('prod')]);
    expect(await h.supervisor.invoke('notificationHealth', {})).toEqual({ ok: true, value: { from: 1 } });
    expect(h.supervisor.embeddedGatewayUrl).toBe('ws://127.0.0.1:9001/v1/feed');
    expect(h.logs.at(-1)).toBe('tocsin: core restarted 0.25 s after it went down (boom)');
  });

  it('passes notifications the shell shows to it, and answers only to the core that asked', async () => {
    const h = await harness();
    const shown: string[] = [];
    h.supervisor.onNotify((id) => shown.push(id));
    const request: NotificationRequest = { kind: 'alert', title: 't', body: 'b', urgency: 'normal' };
    h.last().notify('n1', request);
    h.last().notify('n2', request);
    expect(shown).toEqual(['n1', 'n2']);
    expect(h.supervisor.answerNotification('n1', { kind: 'on-screen' })).toBe(true);
    expect(h.supervisor.answerNotification('n1', { kind: 'acknowledge' })).toBe(true);
    expect(h.supervisor.answerNotification('n1', { kind: 'open' })).toBe(false); // already settled
    expect(h.cores[0]!.told.filter(([k]) => k === 'answer')).toEqual([
      ['answer', ['n1', 'on-screen']],
      ['answer', ['n1', 'acknowledge']],
    ]);
    h.last().die('boom', 1);
    await h.step(250);
    // n2 was shown by the core that died: the restarted one does not wait for it, the shell acts itself.
    expect(h.supervisor.answerNotification('n2', { kind: 'acknowledge' })).toBe(false);
    expect(h.last().told.filter(([k]) => k === 'answer')).toEqual([]);
    // A runbook the (new) core asks to open reaches the shell.
    const urls: string[] = [];
    h.supervisor.onOpenExternal((url) => urls.push(url));
    for (const l of h.last().listeners.external) l('https://runbooks.example.com/disk');
    for (const l of h.cores[0]!.listeners.external) l('https://stale.example.com/');
    expect(urls).toEqual(['https://runbooks.example.com/disk']);
  });

  it("replaces the outage on every page with the new core's feed statuses and active alerts", async () => {
    const h = await harness();
    h.last().die('boom', 1);
    await h.step(250);
    const recovered = h.updates.at(-1)!;
    expect(recovered.feeds).toEqual([feed('prod'), feed('lab', 'stale')]);
    expect(recovered.feeds.every((f) => f.core === undefined)).toBe(true);
    expect(h.last().told).toContainEqual(['invoke', 'activeAlerts']);
  });

  it('keeps telling pages that connect during an outage that the core is restarting', async () => {
    const h = await harness({ timing: { initialBackoffMs: 10_000 } });
    h.last().die('boom', 1);
    await h.step(0);
    const pushed = h.updates.length;
    await h.step(3000);
    expect(h.updates.length - pushed).toBe(3);
    expect(h.updates.at(-1)!.feeds.every((f) => f.core?.reason === 'boom' && f.state === 'disconnected')).toBe(true);
  });

  it('terminates a core whose heartbeat stops for longer than hangAfterMs and restarts it', async () => {
    const h = await harness({ timing: { hangAfterMs: 3000 } });
    await h.step(5000);
    expect(h.cores).toHaveLength(1);
    h.last().hang();
    const hungAt = h.clock.now();
    while (h.supervisor.running) await h.step(50);
    const detectedAfter = h.clock.now() - hungAt;
    expect(detectedAfter).toBeGreaterThan(3000 - 500);
    expect(detectedAfter).toBeLessThanOrEqual(3000 + 250);
    expect(h.cores[0]!.told.at(-1)).toEqual([
      'terminate',
      expect.stringMatching(/^the core stopped answering \(no heartbeat for 3\.\d+ s\)$/),
    ]);
    expect(h.logs[0]).toMatch(
      /^tocsin: core down: the core stopped answering \(no heartbeat for 3\.\d+ s\) \(exit code 1\); restarting in 0\.25 s$/,
    );
    expect(h.updates.at(-1)!.feeds[0]!.core?.reason).toMatch(/stopped answering/);
    await h.step(250);
    expect(h.cores).toHaveLength(2);
    expect(h.supervisor.running).toBe(true);
  });

  it('forgives a silence that was its own thread being blocked, not the worker', async () => {
    const h = await harness({ timing: { hangAfterMs: 3000 } });
    let lag = 0;
    const clock = h.clock;
    const lagging = {
      now: () => clock.now() + lag,
      setTimeout: clock.setTimeout.bind(clock),
      clearTimeout: clock.clearTimeout.bind(clock),
    };
    // Rebuild the supervisor on a clock whose "now" jumps, as after a 5 s block of the event loop.
    const cores: FakeCore[] = [];
    const supervisor = await CoreSupervisor.start({
      start: async () => {
        const c = new FakeCore(clock, 7, [feed('prod')]);
        cores.push(c);
        return c;
      },
      clock: lagging,
      log: () => {},
      raiseAlarm: () => {},
    });
    open.push(supervisor);
    await h.step(1000);
    lag = 5000;
    await h.step(250);
    expect(supervisor.running).toBe(true);
    cores[0]!.hang();
    await h.step(4000);
    expect(supervisor.running).toBe(false);
  });

  it('shows a core that fails 5 times in 2 minutes as "keeps failing" with its retry time, and alarms once more', async () => {
    const h = await harness();
    for (let i = 0; i < 5; i++) {
      h.last().die(`boom ${i}`, 1);
      const before = h.cores.length;
      while (h.cores.length === before) await h.step(50);
    }
    const outage = h.updates.filter((u) => u.feeds[0]?.core).at(-1)!.feeds[0]!.core!;
    expect(outage).toMatchObject({ state: 'failing', reason: 'boom 4', failures: 5 });
    expect(h.logs.at(-2)).toBe(
      'tocsin: core down: boom 4 (exit code 1); restarting in 4 s; it keeps failing (5 failures in 120 s)',
    );
    expect(h.alarms.map(([t]) => t)).toEqual([...Array(4).fill('Tocsin core restarting'), 'Tocsin core keeps failing']);
    expect(h.alarms.at(-1)![1]).toBe(
      '5 failures in 120 s; last: boom 4. Alerts are not being received; retrying in 4 s.',
    );
    h.last().die('boom 5', 1);
    await h.step(0);
    expect(h.trays.at(-1)!.status).toBe('Core keeps failing: boom 5; retrying in 8 s');
    expect(h.alarms).toHaveLength(5); // no new alarm per failure while it keeps failing
  });

  it('counts a core that cannot start as a failure and tries again with backoff', async () => {
    const h = await harness();
    h.startFailures.push('SQLITE_CORRUPT: database disk image is malformed');
    h.last().die('boom', 1);
    await h.step(250);
    expect(h.logs.at(-1)).toBe(
      'tocsin: the core could not start: SQLITE_CORRUPT: database disk image is malformed; restarting in 0.5 s',
    );
    expect(h.updates.at(-1)!.feeds[0]!.core?.reason).toBe(
      'the core could not start: SQLITE_CORRUPT: database disk image is malformed',
    );
    expect(await h.supervisor.invoke('feedStatus', {})).toMatchObject({ ok: false, code: 'unavailable' });
    await h.step(500);
    expect(h.supervisor.running).toBe(true);
    expect(h.alarms).toHaveLength(1);
  });

  it('does not restart after close, and closes a core that finishes starting after it', async () => {
    const h = await harness();
    h.last().die('boom', 1);
    await h.step(0);
    await h.supervisor.close();
    await h.step(60_000);
    expect(h.cores).toHaveLength(1);
    const g = await harness();
    await g.supervisor.close();
    expect(g.cores[0]!.closed).toBe(true);
    expect(await g.supervisor.invoke('feedStatus', {})).toEqual({
      ok: false,
      code: 'unavailable',
      message: 'the core is not running',
    });
  });
});
