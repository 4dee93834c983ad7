import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppAsset } from './app-origin.js';

const root = '/opt/tocsin/dist/renderer';

describe('resolveAppAsset', () => {
  it('maps app URLs to files inside the renderer directory', () => {
    expect(resolveAppAsset(root, 'tocsin://app/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'tocsin://app/')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'tocsin://app/assets/index-abc.js?v=1#x')).toBe(join(root, 'assets/index-abc.js'));
    expect(resolveAppAsset(root, 'tocsin://app/assets/a%20b.css')).toBe(join(root, 'assets/a b.css'));
  });

  it('keeps dot segments inside the root (the URL parser resolves them before we see the path)', () => {
    expect(resolveAppAsset(root, 'tocsin://app/../../../etc/passwd')).toBe(join(root, 'etc/passwd'));
    expect(resolveAppAsset(root, 'tocsin://app/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc/passwd'));
  });

  it.each([
    'tocsin://app/assets/..%2f..%2f..%2fetc/passwd',
    'tocsin://app/..%5c..%5cwindows',
    'tocsin://app/a%00.html',
    'tocsin://app/%E0%A4%A',
    'tocsin://other/index.html',
    'tocsin://u:p@app/index.html',
    'file:///etc/passwd',
    'https://app/index.html',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(root, url)).toBeNull();
  });

  it('names content types for what Vite emits', () => {
    expect(contentTypeFor('x/index.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('x/a.JS')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('x/unknown.bin')).toBe('application/octet-stream');
  });
});
