import { describe, expect, it, vi } from 'vitest';
import { QUIT_DEADLINE_MS, QuitSequence, SHUTDOWN_DEADLINE_MS } from './quit.js';

function setup() {
  let resolveClose: () => void = () => {};
  const timers: Array<{ callback: () => void; ms: number }> = [];
  const deps = {
    closeCore: vi.fn(() => new Promise<void>((resolve) => (resolveClose = resolve))),
    quit: vi.fn(),
    log: vi.fn(),
    setTimeout: (callback: () => void, ms: number) => timers.push({ callback, ms }),
  };
  return { deps, sequence: new QuitSequence(deps), closeNow: () => resolveClose(), timers };
}

describe('QuitSequence', () => {
  it('holds a user quit until the core has closed, then quits once', async () => {
    const { deps, sequence, closeNow } = setup();
    expect(sequence.beforeQuit()).toBe(true);
    expect(sequence.quitting).toBe(true);
    expect(sequence.beforeQuit()).toBe(true); // a second Cmd+Q while closing
    expect(deps.closeCore).toHaveBeenCalledTimes(1);
    closeNow();
    await Promise.resolve();
    await Promise.resolve();
    expect(deps.quit).toHaveBeenCalledTimes(1);
    expect(sequence.beforeQuit()).toBe(false); // the real quit goes through
  });

  it('quits anyway when the core does not close within the deadline', () => {
    const { deps, sequence, timers } = setup();
    sequence.beforeQuit();
    expect(timers[0]!.ms).toBe(QUIT_DEADLINE_MS);
    timers[0]!.callback();
    expect(deps.quit).toHaveBeenCalledTimes(1);
    expect(deps.log).toHaveBeenCalledWith(expect.stringMatching(/did not close within 6 s/));
  });

  it('on macOS/Linux shutdown delays the shutdown, closes the core, and never holds before-quit', async () => {
    const { deps, sequence, timers, closeNow } = setup();
    expect(sequence.shutdown()).toBe(true);
    expect(timers[0]!.ms).toBe(SHUTDOWN_DEADLINE_MS);
    // The system's own quit request arrives while the core is closing: not held (no cancelled logout).
    expect(sequence.beforeQuit()).toBe(false);
    expect(deps.closeCore).toHaveBeenCalledTimes(1);
    closeNow();
    await Promise.resolve();
    await Promise.resolve();
    expect(deps.quit).toHaveBeenCalledTimes(1);
  });

  it('on Windows session end closes the core without waiting on before-quit (not emitted there)', () => {
    const { deps, sequence } = setup();
    sequence.sessionEnd();
    expect(sequence.quitting).toBe(true);
    expect(deps.closeCore).toHaveBeenCalledTimes(1);
  });

  it('a failing close still quits, and says why', async () => {
    const { deps, sequence } = setup();
    deps.closeCore.mockImplementationOnce(() => Promise.reject(new Error('worker gone')));
    sequence.beforeQuit();
    await Promise.resolve();
    await Promise.resolve();
    expect(deps.quit).toHaveBeenCalledTimes(1);
    expect(deps.log).toHaveBeenCalledWith(expect.stringMatching(/worker gone/));
  });
});
