/**
 * Vitest global setup: build the bundles once, before any test runs. Tests start real
 * processes and threads from them (gateway processes, the core's worker thread, the web
 * console), so they must be built from the sources under test, and built once: each test file
 * used to build them itself, and one rebuilding them while another loaded them could load a
 * half-written file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildBundles(): void {
  const build = spawnSync('node', ['scripts/build.mjs'], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
}
