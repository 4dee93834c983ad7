// `npm start` (after the build): launch the Electron app on dist/main/index.cjs and forward its
// exit code. Where the Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, or no
// network), print one sentence pointing at the browser console and exit 1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MISSING =
  'Tocsin cannot start the desktop app here: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no network); run `npm run console` for the browser console instead.';

/**
 * The Electron executable's path, or null when it is not installed. `require('electron')` returns
 * the path from node_modules/electron/path.txt and throws when that file is absent; the path can
 * also name a dist/ that was never unpacked, so existence is checked too.
 */
function electronBinary() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary === null) {
  process.stderr.write(`${MISSING}\n`);
  process.exit(1);
}
const child = spawn(binary, [join(root, 'dist/main/index.cjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  windowsHide: false,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`Tocsin could not launch Electron at ${binary}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
