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
 * The Electron executable's path, or null when it is not installed and cannot be had. Since
 * Electron 42 the npm package no longer downloads the binary in `postinstall`; `require('electron')`
 * downloads it on first use instead (docs/breaking-changes.md, "electron no longer downloads itself
 * via postinstall"), and its install.js no longer reads ELECTRON_SKIP_BINARY_DOWNLOAD. So the path
 * is read here from path.txt without that side effect, and the download (install.js, the package's
 * `install-electron` bin) is run only when ELECTRON_SKIP_BINARY_DOWNLOAD is not set.
 */
function electronBinary() {
  const pkg = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkg, 'path.txt');
  const relative = () => (existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null);
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, relative() ?? 'electron');
    return existsSync(path) ? path : null;
  }
  const installed = () => {
    const name = relative();
    return name && existsSync(join(pkg, 'dist', name)) ? join(pkg, 'dist', name) : null;
  };
  if (installed() || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return installed();
  process.stderr.write('Downloading the Electron binary (first start)…\n');
  const download = spawnSync(process.execPath, [join(pkg, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (download.status !== 0) {
    const lines = String(download.stderr ?? '')
      .trim()
      .split('\n');
    process.stderr.write(`The download failed: ${lines.find((line) => line.trim() !== '') ?? 'no detail'}\n`);
  }
  return installed();
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
