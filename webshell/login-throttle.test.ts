import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('password attempts per address', () => {
  it('allows five failures a minute, then refuses until the oldest leaves the window', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfter('198.51.100.7')).toBe(0);
      throttle.failed('198.51.100.7');
      now += 1_000;
    }
    expect(throttle.retryAfter('198.51.100.7')).toBe(55_000);
    expect(throttle.retryAfter('203.0.113.9')).toBe(0); // another address is not held
    now = 60_001;
    expect(throttle.retryAfter('198.51.100.7')).toBe(0);
  });

  it('forgets an address after a right password, and remembers a bounded number of addresses', () => {
    const throttle = new LoginThrottle(() => 0, 1, 60_000, 2);
    throttle.failed('a');
    expect(throttle.retryAfter('a')).toBe(60_000);
    throttle.succeeded('a');
    expect(throttle.retryAfter('a')).toBe(0);
    throttle.failed('b');
    throttle.failed('c');
    throttle.failed('d'); // b, the oldest, is forgotten
    expect(throttle.retryAfter('b')).toBe(0);
    expect(throttle.retryAfter('d')).toBe(60_000);
  });
});
