/**
 * Minimal image encoders for the icon generator: PNG (RGBA, 8-bit, via node:zlib) and ICO
 * (PNG-compressed entries, which Windows reads since Vista). No dependencies, deterministic bytes.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/** An RGBA image, rows top to bottom, 4 bytes per pixel. */
export type Rgba = { width: number; height: number; data: Uint8Array };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks need it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encode an RGBA image as PNG (colour type 6, no interlace, filter 0 on every row). */
export function encodePng(image: Rgba): Buffer {
  const { width, height, data } = image;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Width and height from a PNG's IHDR (for tests and checks). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (view.readUInt32BE(12) !== 0x49484452) throw new Error('not a PNG with IHDR first');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

/** Bundle PNG images (each at most 256 px square) into one .ico file. */
export function encodeIco(pngs: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * pngs.length;
  for (const png of pngs) {
    const { width, height } = pngSize(png);
    if (width > 256 || height > 256) throw new Error(`an .ico entry is at most 256 px, got ${width}`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(width === 256 ? 0 : width, 0);
    entry.writeUInt8(height === 256 ? 0 : height, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...pngs]);
}

/** The sizes inside an .ico (for tests and checks). */
export function icoSizes(ico: Uint8Array): number[] {
  const view = Buffer.from(ico.buffer, ico.byteOffset, ico.byteLength);
  const count = view.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => view.readUInt8(6 + 16 * i) || 256);
}

/** Decode a PNG written by `encodePng` (RGBA, filter 0): for tests that look at pixels. */
export function decodePng(png: Uint8Array): Rgba {
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const { width, height } = pngSize(view);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < view.length;) {
    const length = view.readUInt32BE(offset);
    if (view.toString('latin1', offset + 4, offset + 8) === 'IDAT')
      idat.push(view.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * (width * 4 + 1)] !== 0) throw new Error('decodePng reads filter-0 rows only');
    data.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, data };
}

/** The PNG images inside an .ico written by `encodeIco`. */
export function icoEntries(ico: Uint8Array): Buffer[] {
  const view = Buffer.from(ico.buffer, ico.byteOffset, ico.byteLength);
  return Array.from({ length: view.readUInt16LE(4) }, (_, i) => {
    const size = view.readUInt32LE(6 + 16 * i + 8);
    const offset = view.readUInt32LE(6 + 16 * i + 12);
    return view.subarray(offset, offset + size);
  });
}
