import { describe, expect, it } from 'vitest';
import { applicationServerKey, deviceName } from './browser-push';

describe('browser push', () => {
  it('decodes the VAPID key from URL-safe base64 to the 65-byte point the Push API takes', () => {
    // 0x04 then 64 bytes of 0xfb, URL-safe base64 without padding.
    const key = btoa(String.fromCharCode(4, ...new Array<number>(64).fill(0xfb)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = applicationServerKey(key);
    expect(bytes).toHaveLength(65);
    expect(bytes[0]).toBe(4);
    expect(bytes[64]).toBe(0xfb);
  });

  it('names the device from its user agent', () => {
    expect(
      deviceName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36'),
    ).toBe('Chrome on Linux');
    expect(
      deviceName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15'),
    ).toBe('Safari on macOS');
    expect(deviceName('Mozilla/5.0 (Android 15; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0')).toBe(
      'Firefox on Android',
    );
    expect(deviceName('curl/8')).toBe('Browser on an unknown system');
  });
});
