import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../common/result.js';
import { ChannelHealth } from './channel-health.js';

describe('channel health', () => {
  it('is failing only when every channel tried has failed last', () => {
    const health = new ChannelHealth(['push', 'email', 'webhook']);
    expect(health.report().failing).toBe(false); // nothing tried yet: nothing known to be wrong
    health.record('email', fail('send_failed', '550 mailbox unavailable'), 10);
    expect(health.report()).toMatchObject({
      failing: true,
      channels: expect.arrayContaining([
        { channel: 'email', lastOkAt: null, lastError: { at: 10, message: '550 mailbox unavailable' }, failing: true },
      ]),
    });
    health.record('push', ok('delivered to phone'), 20);
    expect(health.report().failing).toBe(false);
    health.record('push', fail('push_failed', 'phone: 500'), 30);
    expect(health.report().failing).toBe(true);
    health.record('email', ok('250 OK'), 40);
    expect(health.report().failing).toBe(false);
  });

  it('leaves out failures about one person rather than the channel', () => {
    const health = new ChannelHealth(['push']);
    health.record('push', fail('no_subscription', 'no browser or device has turned on push'), 10);
    expect(health.report()).toEqual({
      failing: false,
      channels: [{ channel: 'push', lastOkAt: null, lastError: null, failing: false }],
    });
  });
});
