import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from './contract.js';
import { channelFor, CHANNEL_OPERATIONS, UPDATE_CHANNEL } from './channels.js';

describe('IPC channel names', () => {
  it('cover exactly the contract operations, each on its own prefixed channel', () => {
    expect([...CHANNEL_OPERATIONS].sort()).toEqual([...OPERATION_NAMES].sort());
    expect(new Set(OPERATION_NAMES.map(channelFor)).size).toBe(OPERATION_NAMES.length);
    for (const name of OPERATION_NAMES) expect(channelFor(name)).toBe(`tocsin:${name}`);
    expect(UPDATE_CHANNEL).toBe('tocsin:update');
  });
});
