// The renderer's built HTML carries a strict CSP: built here with the project's own
// Vite configuration into a temporary directory (dist/ is left alone for the end-to-end tests).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { cspMetaTags, cspWeaknesses, parseCsp } from '../../main/platform/csp.js';

const root = join(import.meta.dirname, '../..');
let html = '';
/** The tag renderer/index.html carries (the browser console's WebSocket is its own origin: 'self'). */
const META_TAG = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'" />`;

describe('the recommended CSP meta tag', () => {
  it('is strict', () => {
    expect(cspWeaknesses(cspMetaTags(META_TAG)[0]!)).toEqual([]);
  });
});

describe('the built renderer HTML', () => {
  beforeAll(async () => {
    const source = join(root, 'renderer/index.html');
    if (!existsSync(source)) {
      throw new Error(
        `renderer/index.html does not exist yet (the renderer owns it); its <head> needs, before any script:\n${META_TAG}`,
      );
    }
    const outDir = mkdtempSync(join(tmpdir(), 'tocsin-renderer-'));
    await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    html = readFileSync(join(outDir, 'index.html'), 'utf8');
  }, 120_000);

  it('has exactly one CSP meta tag, and it is strict', () => {
    const policies = cspMetaTags(html);
    expect(policies).toHaveLength(1);
    expect(cspWeaknesses(policies[0]!)).toEqual([]);
  });

  it('allows no network beyond its own origin (the browser console reaches its own WebSocket through it)', () => {
    const csp = parseCsp(cspMetaTags(html)[0]!);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('puts the CSP before any script, and has no inline script the CSP would have to allow', () => {
    const metaAt = html.search(/<meta[^>]+http-equiv=["']?content-security-policy/i);
    const firstScript = html.search(/<script\b/i);
    expect(metaAt).toBeGreaterThan(-1);
    if (firstScript > -1) expect(metaAt).toBeLessThan(firstScript);
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
      ([, attrs, body]) => !/\bsrc=/.test(attrs ?? '') && (body ?? '').trim() !== '',
    );
    expect(inline).toEqual([]);
  });

  it('loads nothing from another origin', () => {
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
  });
});
