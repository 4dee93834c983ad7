/**
 * Generates every icon in resources/ from the vector definitions in scripts/icons/shapes.ts:
 * tray icons per state (Linux PNGs at 16/22/24/32/48 and @2x, macOS Template images, Windows
 * .ico) and the app icon (1024 PNG for macOS's .icns, a Linux size set, a Windows .ico).
 * Run `npx tsx scripts/make-icons.ts` and commit the output; a test checks it is up to date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TRAY_STATES } from '../main/platform/core-port.js';
import { LINUX_TRAY_SIZES } from '../main/platform/tray-view.js';
import { encodeIco, encodePng } from './icons/encode.js';
import { APP_ICON, rasterise, toSvg, TRAY_ICONS } from './icons/shapes.js';

/** Sizes inside each tray .ico (Windows picks by DPI: 16 at 100 %, 20 at 125 %, 24 at 150 %, 32 at 200 %). */
export const WIN_TRAY_ICO_SIZES = [16, 20, 24, 32, 40, 48, 64];
/** Sizes inside the app .ico (electron-builder needs at least 256). */
export const APP_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** The Linux app icon set (electron-builder reads a directory of NxN.png). */
export const LINUX_APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

/** Every generated file, by path relative to resources/. */
export function iconFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const state of TRAY_STATES) {
    const icon = TRAY_ICONS[state];
    files.set(`tray/svg/${state}.svg`, Buffer.from(toSvg(icon)));
    for (const size of LINUX_TRAY_SIZES) {
      files.set(`tray/linux/${state}-${size}.png`, encodePng(rasterise(icon, size, false)));
      files.set(`tray/linux/${state}-${size}@2x.png`, encodePng(rasterise(icon, size * 2, false)));
    }
    files.set(`tray/mac/${state}Template.png`, encodePng(rasterise(icon, 16, true)));
    files.set(`tray/mac/${state}Template@2x.png`, encodePng(rasterise(icon, 32, true)));
    files.set(
      `tray/win/${state}.ico`,
      encodeIco(WIN_TRAY_ICO_SIZES.map((size) => encodePng(rasterise(icon, size, false)))),
    );
  }
  files.set('icon.svg', Buffer.from(toSvg(APP_ICON)));
  files.set('icon.png', encodePng(rasterise(APP_ICON, 1024, false)));
  for (const size of LINUX_APP_SIZES)
    files.set(`icons/${size}x${size}.png`, encodePng(rasterise(APP_ICON, size, false)));
  files.set('icon.ico', encodeIco(APP_ICO_SIZES.map((size) => encodePng(rasterise(APP_ICON, size, false)))));
  return files;
}

/** Write every file under `outDir`. */
export function writeIcons(outDir: string): number {
  const files = iconFiles();
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), bytes);
  }
  return files.size;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const outDir = join(import.meta.dirname, '..', 'resources');
  console.log(`wrote ${writeIcons(outDir)} files to ${outDir}`);
}
