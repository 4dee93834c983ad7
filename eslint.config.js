// Lint encodes the architecture (STYLE.md habit 1): which runtime may import what.
// Each rule below has a test that proves it fires on a bad fixture (tests/lint/lint-rules.test.ts).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'worker_threads'];
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

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'tests/lint/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrict([ipcMainBanned, ipcRendererBanned]),
    },
  },
  {
    files: ['main/core/**'],
    rules: { 'no-restricted-imports': restrict([electronBanned], [{ group: ['electron/*'], message: electronBanned.message }]) },
  },
  { files: ['main/platform/ipc.ts'], rules: { 'no-restricted-imports': restrict([ipcRendererBanned]) } },
  { files: ['preload/index.ts'], rules: { 'no-restricted-imports': restrict([ipcMainBanned]) } },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: 'electron', message: 'The renderer talks only to the `api` interface.' },
         ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node built-ins.' }))],
        [{ group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node built-ins.' }],
      ),
    },
  },
);
