// The tray and app icons in resources/: every state has every file each platform
// wants, states differ in shape (not only colour), and the committed files match the generator.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_STATES } from '../../main/platform/core-port.js';
import { LINUX_TRAY_SIZES, trayIconFile } from '../../main/platform/tray-view.js';
import { decodePng, icoEntries, icoSizes, pngSize } from '../../scripts/icons/encode.js';
import { APP_ICO_SIZES, iconFiles, LINUX_APP_SIZES, WIN_TRAY_ICO_SIZES } from '../../scripts/make-icons.js';

const resources = join(import.meta.dirname, '../../resources');
const read = (path: string) => readFileSync(join(resources, path));

describe('tray icons', () => {
  it.each(TRAY_STATES)('%s has Linux PNGs at every size and @2x, macOS Template images and a Windows .ico', (state) => {
    for (const size of LINUX_TRAY_SIZES) {
      expect(pngSize(read(`tray/linux/${state}-${size}.png`))).toEqual({ width: size, height: size });
      expect(pngSize(read(`tray/linux/${state}-${size}@2x.png`))).toEqual({ width: size * 2, height: size * 2 });
    }
    expect(pngSize(read(`tray/mac/${state}Template.png`))).toEqual({ width: 16, height: 16 });
    expect(pngSize(read(`tray/mac/${state}Template@2x.png`))).toEqual({ width: 32, height: 32 });
    expect(icoSizes(read(`tray/win/${state}.ico`))).toEqual(WIN_TRAY_ICO_SIZES);
  });

  it('the file the tray loads exists for every state on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const state of TRAY_STATES)
        expect(existsSync(trayIconFile(resources, state, platform)), `${platform} ${state}`).toBe(true);
    }
  });

  it('macOS Template images are black plus alpha only', () => {
    for (const state of TRAY_STATES) {
      for (const file of [`tray/mac/${state}Template.png`, `tray/mac/${state}Template@2x.png`]) {
        const { data } = decodePng(read(file));
        for (let i = 0; i < data.length; i += 4) expect(data[i]! + data[i + 1]! + data[i + 2]!, file).toBe(0);
      }
    }
  });

  it('states differ in shape: their alpha masks differ in at least 8 % of pixels, pairwise', () => {
    const masks = TRAY_STATES.map((state) =>
      decodePng(read(`tray/mac/${state}Template@2x.png`)).data.filter((_, i) => i % 4 === 3),
    );
    for (let a = 0; a < masks.length; a++) {
      for (let b = a + 1; b < masks.length; b++) {
        const differing = masks[a]!.filter((alpha, i) => Math.abs(alpha - masks[b]![i]!) > 128).length;
        expect(differing / masks[a]!.length, `${TRAY_STATES[a]} vs ${TRAY_STATES[b]}`).toBeGreaterThan(0.08);
      }
    }
  });
});

describe('app icon', () => {
  it('has a 1024 PNG (macOS .icns is derived from it), a Linux size set and a Windows .ico up to 256', () => {
    expect(pngSize(read('icon.png'))).toEqual({ width: 1024, height: 1024 });
    for (const size of LINUX_APP_SIZES)
      expect(pngSize(read(`icons/${size}x${size}.png`))).toEqual({ width: size, height: size });
    expect(icoSizes(read('icon.ico'))).toEqual(APP_ICO_SIZES);
  });
});

describe('generator', () => {
  // Pixels, not bytes: zlib builds may compress the same pixels differently.
  const pixels = (path: string, bytes: Buffer): Buffer[] =>
    path.endsWith('.svg')
      ? [bytes]
      : (path.endsWith('.ico') ? icoEntries(bytes) : [bytes]).map((png) => Buffer.from(decodePng(png).data));
  const same = (path: string, bytes: Buffer) => {
    const [want, have] = [pixels(path, bytes), pixels(path, read(path))];
    return want.length === have.length && want.every((w, i) => w.equals(have[i]!));
  };

  it('the committed files are exactly what scripts/make-icons.ts produces', () => {
    const stale = [...iconFiles()]
      .filter(([path, bytes]) => !existsSync(join(resources, path)) || !same(path, bytes))
      .map(([path]) => path);
    expect(stale, 'run `npx tsx scripts/make-icons.ts` and commit resources/').toEqual([]);
  });
});
