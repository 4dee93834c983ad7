// `npm start` (after the build): make sure better-sqlite3 is built for this Electron, launch the
// Electron app on the project root and forward its exit code. Where the Electron binary was never
// downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network), print one sentence pointing at the
// browser console and exit 1.
//
// The project root, not dist/main/index.cjs: Electron then reads package.json (main, productName)
// and runs as "Tocsin", with its own userData folder and single-instance lock (Electron's
// lib/browser/init.ts sets app.name from productName; a bare script runs as "Electron").
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const MISSING =
  'Tocsin cannot start the desktop app here: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no network); run `npm run console` for the browser console instead.';
// Where scripts/native-electron.mjs builds, and its stamp (= main/platform/native-binding.ts).
const nativeDir = join(root, '.tocsin-dev', 'electron-native');
const binding = join(nativeDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const stamp = join(nativeDir, 'built-for.json');

/**
 * The Electron executable's path, or null when it is not installed. `require('electron')` returns
 * the path from node_modules/electron/path.txt and throws when that file is absent; the path can
 * also name a dist/ that was never unpacked, so existence is checked too.
 */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Whether the Electron copy of better-sqlite3 exists and was built for this Electron. */
function nativeBuildIsCurrent(version) {
  try {
    return existsSync(binding) && JSON.parse(readFileSync(stamp, 'utf8')).electron === version;
  } catch {
    return false;
  }
}

const binary = electronBinary();
if (binary === null) {
  process.stderr.write(`${MISSING}\n`);
  process.exit(1);
}
const version = require('electron/package.json').version;
if (!nativeBuildIsCurrent(version)) {
  process.stderr.write(`Building better-sqlite3 for Electron ${version} (once per Electron version)…\n`);
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'native-electron.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) {
    process.stderr.write(
      `Tocsin cannot start the desktop app: better-sqlite3 could not be built for Electron ${version} (see above); \`npm run console\` runs the browser console with the Node build.\n`,
    );
    process.exit(1);
  }
}
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`Tocsin could not launch Electron at ${binary}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
