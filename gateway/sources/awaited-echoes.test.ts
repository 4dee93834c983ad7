import { describe, expect, it } from 'vitest';
import { AwaitedEchoes } from './awaited-echoes.js';

describe('awaited echoes', () => {
  it('awaits a send while it runs and for its time after, never one that failed, and forgets old ones', async () => {
    const echoes = new AwaitedEchoes<string>(60_000);
    let awaitedDuringSend: string | undefined;
    await echoes.sending('a', 'ack by Ann', 0, async () => {
      awaitedDuringSend = echoes.awaited('a', 0);
    });
    expect(awaitedDuringSend).toBe('ack by Ann');
    expect(echoes.awaited('a', 60_000)).toBe('ack by Ann');
    await expect(
      echoes.sending('b', 'ack by Bob', 0, () => Promise.reject(new Error('monitor unreachable'))),
    ).rejects.toThrow('monitor unreachable');
    expect(echoes.awaited('b', 1)).toBeUndefined();
    expect(echoes.awaited('a', 60_001)).toBeUndefined();
    await echoes.sending('c', 'x', 0, async () => {});
    await echoes.sending('d', 'y', 120_000, async () => {});
    expect(echoes.size).toBe(1);
  });
});
