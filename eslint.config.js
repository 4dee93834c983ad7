// Lint encodes the architecture: which layer may import which, and which runtime may use what.
// Each rule below has a test that proves it fires on a bad fixture and stays quiet on the file
// that is allowed (tests/lint/lint-rules.test.ts).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import { localPlugin } from './eslint-local/layering.js';

// Which top-level folder may import which. A folder may always import itself; a file belongs to
// the longest folder listed that holds it. Tests (*.test.ts) are exempt: they start any part as a
// real peer (a console test runs a real gateway). Scripts, benchmarks and tests/ are not layers.
export const LAYERS = {
  // Contracts every runtime shares (feed protocol, api contract, settings and health schemas,
  // tray-model types, the clock): nothing else of the repository.
  common: [],
  // Node-only helpers that the console and the gateway both use (SQLite migrations and WAL
  // checkpoints, the HTTP edge).
  'common/node': ['common'],
  // The always-on server between sources and consoles: a program of its own.
  gateway: ['common', 'common/node'],
  // The console's decisions, in plain Node: never a shell, never the gateway.
  'main/core': ['common', 'common/node'],
  // The core worker's composition root: the one place that starts the embedded demo gateway.
  'main/core/host': ['common', 'common/node', 'main/core', 'gateway'],
  // Thin Electron adapters.
  'main/platform': ['common', 'main/core'],
  // The Electron main process's composition root (main/index.ts).
  main: ['common', 'main/core/host', 'main/platform'],
  // contextBridge only.
  preload: ['common'],
  // The React app: talks to the `api` interface and shares only the contracts.
  renderer: ['common'],
  // The browser console's server: the same core, another shell.
  webshell: ['common', 'common/node', 'main/core', 'main/core/host'],
};

const restrict = (paths, patterns = []) => ['error', { paths, patterns }];
const electronBanned = {
  name: 'electron',
  message: 'main/core decides and never imports electron: receive what you need through an injected interface.',
};
const ipcMainBanned = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'ipcMain is used only in main/platform/ipc.ts: register handlers through that adapter.',
};
const ipcRendererBanned = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'ipcRenderer is used only in preload/index.ts: expose one method per operation instead.',
};
// `import electron from 'electron'` would reach ipcMain/ipcRenderer as properties, past the
// named-import rules above: electron is imported by name only.
const electronDefaultBanned = {
  name: 'electron',
  importNames: ['default'],
  message: "Import electron's modules by name (import { app } from 'electron'), so lint can see which are used.",
};
// A dynamic import() is not an import declaration: no-restricted-imports cannot see it.
const dynamicElectronBanned = {
  selector: 'ImportExpression[source.value=/^electron(\\u002F|$)/]',
  message: 'electron is imported statically and by name, so lint can see which of its modules are used.',
};
const nodeBuiltinMessage = 'The renderer runs in a sandboxed page: no Node built-ins.';
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.tocsin-dev/**',
      'tests/lint/fixtures/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    plugins: { local: localPlugin },
    rules: { 'local/layering': ['error', LAYERS] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrict([ipcMainBanned, ipcRendererBanned, electronDefaultBanned]),
      'no-restricted-syntax': ['error', dynamicElectronBanned],
    },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': restrict([electronBanned], [{ group: ['electron/*'], message: electronBanned.message }]),
    },
  },
  {
    files: ['main/platform/ipc.ts'],
    rules: { 'no-restricted-imports': restrict([ipcRendererBanned, electronDefaultBanned]) },
  },
  { files: ['preload/index.ts'], rules: { 'no-restricted-imports': restrict([ipcMainBanned, electronDefaultBanned]) } },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        [
          { name: 'electron', message: 'The renderer talks only to the `api` interface.' },
          ...nodeBuiltins.map((name) => ({ name, message: nodeBuiltinMessage })),
        ],
        [
          { group: ['node:*'], message: nodeBuiltinMessage },
          { group: ['electron/*'], message: 'The renderer talks only to the `api` interface.' },
        ],
      ),
    },
  },
);
