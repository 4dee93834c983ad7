/**
 * Every path the main process needs, from where its bundle sits (dist/main/index.cjs, so
 * `bundleDir` is dist/main, inside app.asar when packaged) and where Electron keeps the
 * resources. Pure: tests/shell/app-paths.test.ts checks them against the build script, Vite's
 * output and electron-builder's `files` and `extraResources`.
 */
import { join } from 'node:path';

/** The paths. */
export type AppPaths = {
  /** The directory holding package.json (the project from source, app.asar when packaged). */
  appRoot: string;
  preload: string;
  worker: string;
  renderer: string;
  /** Tray icons and the app icon: beside the asar when packaged (extraResources), resources/ from source. */
  resources: string;
  icon: string;
};

/** Resolve them; `resourcesPath` is `process.resourcesPath`, used only when packaged. */
export function appPaths(bundleDir: string, packaged: boolean, resourcesPath: string): AppPaths {
  const dist = join(bundleDir, '..');
  const appRoot = join(dist, '..');
  const resources = packaged ? join(resourcesPath, 'resources') : join(appRoot, 'resources');
  return {
    appRoot,
    preload: join(dist, 'preload', 'index.cjs'),
    worker: join(dist, 'core', 'worker.cjs'),
    renderer: join(dist, 'renderer'),
    resources,
    icon: join(resources, 'icon.png'),
  };
}
