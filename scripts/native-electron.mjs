// Builds better-sqlite3 for Electron's ABI into a SEPARATE copy (.tocsin-dev/electron-native/),
// so node_modules/better-sqlite3 stays built for Node (tests, browser console, gateway).
// For running the desktop app from source on a machine with Electron and network access (`npm
// start` runs it when the copy is missing or was built for another Electron);
// packaging does its own rebuild (electron-builder.yml npmRebuild). Never run from postinstall
// or the test path. See docs/native-modules.md.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const target = join(root, '.tocsin-dev', 'electron-native');
const electronVersion = require('electron/package.json').version;

// The trap: inherited npm_config_nodedir makes node-gyp build against Node's own
// headers, print "Rebuild Complete" and leave a Node-ABI binary. Build with a clean npm config.
for (const key of Object.keys(process.env)) {
  if (/^npm_config_(nodedir|target|runtime|disturl|build_from_source)$/i.test(key)) delete process.env[key];
}

rmSync(target, { recursive: true, force: true });
for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
  const from = dirname(require.resolve(`${name}/package.json`));
  mkdirSync(join(target, 'node_modules'), { recursive: true });
  cpSync(from, join(target, 'node_modules', name), {
    recursive: true,
    filter: (path) => !/[\\/]build[\\/]Release[\\/]obj/.test(path),
  });
}
cpSync(join(root, 'package.json'), join(target, 'package.json'));

const binding = join(target, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
try {
  const { rebuild } = require('@electron/rebuild');
  rmSync(binding, { force: true });
  await rebuild({
    buildPath: target,
    electronVersion,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
  });
} catch (error) {
  console.error(`better-sqlite3 could not be built for Electron ${electronVersion}: ${error.message.split('\n')[0]}`);
  console.error('node_modules/better-sqlite3 (the Node build) was not touched.');
  process.exit(1);
}

// Prove the ABI: a binary built for Electron must refuse to load in plain Node.
if (!existsSync(binding)) {
  console.error(`no binary at ${binding}`);
  process.exit(1);
}
try {
  require(binding);
  console.error('the rebuild produced a Node-ABI binary (npm_config_nodedir trap?): refusing to use it');
  process.exit(1);
} catch (error) {
  if (!/NODE_MODULE_VERSION/.test(error.message)) throw error;
}
// The stamp the app and `npm start` read (main/platform/native-binding.ts): written last, so a
// copy that failed any step above is never taken for a good one.
writeFileSync(join(target, 'built-for.json'), `${JSON.stringify({ electron: electronVersion })}\n`);
console.log(`better-sqlite3 for Electron ${electronVersion}: ${binding}`);
