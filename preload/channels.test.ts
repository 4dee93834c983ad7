import { describe, expect, it } from 'vitest';
import { channelFor, OPERATION_NAMES, UPDATE_CHANNEL } from './contract.js';
import { PRELOAD_OPERATIONS, PRELOAD_UPDATE_CHANNEL, preloadChannelFor } from './channels.js';

describe('preload channel names', () => {
  it('cover exactly the contract operations, on the same channels', () => {
    expect([...PRELOAD_OPERATIONS].sort()).toEqual([...OPERATION_NAMES].sort());
    for (const name of OPERATION_NAMES) expect(preloadChannelFor(name)).toBe(channelFor(name));
    expect(PRELOAD_UPDATE_CHANNEL).toBe(UPDATE_CHANNEL);
  });
});
