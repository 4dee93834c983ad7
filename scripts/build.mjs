// Builds every bundle: Node bundles with esbuild (fast, one dependency, no config language),
// the renderer with Vite. `--node-only` skips the renderer (the gateway needs no UI).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

const nodeOnly = process.argv.includes('--node-only');
// Native and platform modules stay outside the bundles: better-sqlite3 loads its .node file
// from its own package, and electron is provided by the runtime.
const external = ['electron', 'better-sqlite3', 'node-notifier', 'bufferutil', 'utf-8-validate'];

const nodeEntries = [
  { in: 'main/index.ts', out: 'main/index' },
  { in: 'preload/index.ts', out: 'preload/index' },
  { in: 'main/core/host/worker.ts', out: 'core/worker' },
  { in: 'gateway/cli.ts', out: 'gateway/cli' },
  { in: 'webshell/cli.ts', out: 'webshell/cli' },
];

await build({
  entryPoints: nodeEntries,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // import.meta.url has no meaning in CJS output; the code uses __dirname via this define.
  define: { 'import.meta.dirname': '__dirname' },
});

if (!nodeOnly) {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
console.log(`built dist/ (${nodeOnly ? 'node bundles' : 'node bundles and renderer'})`);
