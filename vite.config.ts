import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The renderer bundle: one static page, relative asset paths so it loads from file:// in Electron. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome130' },
});
