import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, serviceWorkerPolicy } from './static-files.js';

describe('static files', () => {
  it('gives the service worker a policy of its own: https for the Acknowledge POST, nothing else widened', () => {
    const page = contentSecurityPolicy('127.0.0.1:8080');
    const worker = serviceWorkerPolicy('127.0.0.1:8080');
    expect(page).toContain('connect-src ' + "'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080");
    expect(worker).toContain("connect-src 'self' https:");
    expect(worker.replace("connect-src 'self' https:", '')).toBe(
      page.replace("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080", ''),
    );
  });
});
