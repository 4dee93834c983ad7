// Lint encodes the architecture (STYLE.md habit 1): which runtime may import what.
// Each rule below has a test that proves it fires on a bad fixture and stays quiet on the file
// that is allowed (tests/lint/lint-rules.test.ts).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

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
  selector: "ImportExpression[source.value=/^electron(\\u002F|$)/]",
  message: "electron is imported statically and by name, so lint can see which of its modules are used.",
};
const nodeBuiltinMessage = 'The renderer runs in a sandboxed page: no Node built-ins.';
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tocsin-dev/**', 'tests/lint/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrict([ipcMainBanned, ipcRendererBanned, electronDefaultBanned]),
      'no-restricted-syntax': ['error', dynamicElectronBanned],
    },
  },
  {
    files: ['main/core/**'],
    rules: { 'no-restricted-imports': restrict([electronBanned], [{ group: ['electron/*'], message: electronBanned.message }]) },
  },
  { files: ['main/platform/ipc.ts'], rules: { 'no-restricted-imports': restrict([ipcRendererBanned, electronDefaultBanned]) } },
  { files: ['preload/index.ts'], rules: { 'no-restricted-imports': restrict([ipcMainBanned, electronDefaultBanned]) } },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: 'electron', message: 'The renderer talks only to the `api` interface.' }, ...nodeBuiltins.map((name) => ({ name, message: nodeBuiltinMessage }))],
        [
          { group: ['node:*'], message: nodeBuiltinMessage },
          { group: ['electron/*'], message: 'The renderer talks only to the `api` interface.' },
        ],
      ),
    },
  },
);
