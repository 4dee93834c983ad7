// The built main bundle finds everything from the app's root: the paths main/index.ts uses
// (main/platform/app-paths.ts) are what scripts/build.mjs and Vite produce, what
// electron-builder packs, and nothing in the bundle is an absolute path of this checkout.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { describe, expect, it } from 'vitest';
import { appPaths } from '../../main/platform/app-paths.js';

const root = join(import.meta.dirname, '../..');
const buildScript = readFileSync(join(root, 'scripts/build.mjs'), 'utf8');
/** The entries scripts/build.mjs builds: { in, out } (out is relative to dist/, without .cjs). */
const entries = [...buildScript.matchAll(/\{ in: '([^']+)', out: '([^']+)' \}/g)].map((m) => ({
  in: m[1]!,
  out: m[2]!,
}));
const external = JSON.parse(/const external = (\[[^\]]*\])/.exec(buildScript)![1]!.replace(/'/g, '"')) as string[];

describe('the main bundle and its paths', () => {
  it('builds main/index.ts as build.mjs does, with no absolute path of this checkout inside', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tocsin-bundle-'));
    await build({
      entryPoints: [{ in: join(root, 'main/index.ts'), out: 'main/index' }],
      outdir: join(out, 'dist'),
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external,
      logLevel: 'silent',
      define: { 'import.meta.dirname': '__dirname' },
    });
    const bundle = readFileSync(join(out, 'dist/main/index.cjs'), 'utf8');
    expect(bundle).not.toContain(root);
    expect(bundle).toMatch(/__dirname/);
    expect(buildScript).toContain("define: { 'import.meta.dirname': '__dirname' }");
  });

  it('resolves the preload, the worker and the renderer where the build puts them', () => {
    const dist = join(root, 'dist');
    const paths = appPaths(join(dist, 'main'), false, '/unused');
    expect(entries.map((e) => e.out)).toEqual(expect.arrayContaining(['main/index', 'preload/index', 'core/worker']));
    expect(relative(dist, paths.preload)).toBe(join('preload', 'index.cjs'));
    expect(relative(dist, paths.worker)).toBe(join('core', 'worker.cjs'));
    expect(readFileSync(join(root, 'vite.config.ts'), 'utf8')).toContain("outDir: '../dist/renderer'");
    expect(relative(dist, paths.renderer)).toBe('renderer');
    expect(paths.appRoot).toBe(root);
    expect(existsSync(join(paths.appRoot, 'package.json'))).toBe(true);
    expect(existsSync(paths.icon)).toBe(true);
    expect(existsSync(join(paths.resources, 'tray'))).toBe(true);
    expect(existsSync(join(paths.resources, 'sounds', 'critical.wav'))).toBe(true);
  });

  it('packaged, finds the same files inside app.asar and the resources beside it', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const files = (config.files as Array<string | { filter?: string[] }>)
      .flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])))
      .filter((f) => !f.startsWith('!'));
    const asar = '/Applications/Tocsin.app/Contents/Resources/app.asar';
    const paths = appPaths(join(asar, 'dist', 'main'), true, '/Applications/Tocsin.app/Contents/Resources');
    for (const path of [paths.preload, paths.worker, join(paths.renderer, 'index.html')]) {
      const inAsar = relative(asar, path);
      expect(
        files.some((pattern) => inAsar.startsWith(pattern.replace('/**', '/'))),
        inAsar,
      ).toBe(true);
    }
    expect(files).toContain('package.json'); // main: dist/main/index.cjs, read by Electron from app.asar
    const extra = config.extraResources as Array<{ from: string; to: string; filter: string[] }>;
    expect(extra).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'resources', to: 'resources' })]));
    expect(paths.resources).toBe('/Applications/Tocsin.app/Contents/Resources/resources');
    expect(extra[0]!.filter).toEqual(expect.arrayContaining(['tray/**/*', 'icon.png', 'sounds/**/*']));
  });
});
