import { describe, expect, it } from 'vitest';
import { APP_URL } from './app-origin.js';
import { allowPermissionCheck, allowPermissionRequest, APP_ORIGIN } from './permissions.js';

describe('permissions', () => {
  it("lets the app's own page go fullscreen (the wall display)", () => {
    expect(allowPermissionRequest('fullscreen', { requestingUrl: APP_URL, isMainFrame: true })).toBe(true);
    expect(allowPermissionCheck('fullscreen', APP_ORIGIN)).toBe(true);
  });

  it('denies fullscreen to anything else, and every other permission to the app', () => {
    expect(allowPermissionRequest('fullscreen', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(
      false,
    );
    expect(allowPermissionRequest('fullscreen', { requestingUrl: APP_URL, isMainFrame: false })).toBe(false);
    expect(allowPermissionRequest('fullscreen', {})).toBe(false);
    expect(allowPermissionCheck('fullscreen', 'https://evil.example')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid'])
      expect(allowPermissionRequest(permission, { requestingUrl: APP_URL, isMainFrame: true })).toBe(false);
  });
});
