/**
 * `npx tsx scripts/make-sounds.ts`: writes Tocsin's own alert sounds, resources/sounds/<severity>.wav,
 * made here from sine tones (so they are ours to ship, no licence to track). Each severity has
 * its own rhythm and pitch, recognisable without looking: critical three fast high beeps, high
 * two, warning one, info one soft low tone. 16-bit PCM mono at 22,050 Hz, well under a second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RATE = 22_050;
type Beep = { hz: number; ms: number; gapMs: number; volume: number };

const SOUNDS: Record<'critical' | 'high' | 'warning' | 'info', Beep[]> = {
  critical: [0, 1, 2].map(() => ({ hz: 1046, ms: 110, gapMs: 60, volume: 0.6 })),
  high: [0, 1].map(() => ({ hz: 784, ms: 140, gapMs: 80, volume: 0.5 })),
  warning: [{ hz: 659, ms: 200, gapMs: 0, volume: 0.4 }],
  info: [{ hz: 440, ms: 180, gapMs: 0, volume: 0.25 }],
};

/** The samples of a run of beeps, each faded in and out over 10 ms so it does not click. */
export function samples(beeps: readonly Beep[]): Int16Array {
  const out: number[] = [];
  for (const beep of beeps) {
    const n = Math.round((beep.ms / 1000) * RATE);
    const fade = Math.round(0.01 * RATE);
    for (let i = 0; i < n; i++) {
      const envelope = Math.min(1, i / fade, (n - i) / fade);
      out.push(Math.round(Math.sin((2 * Math.PI * beep.hz * i) / RATE) * envelope * beep.volume * 32767));
    }
    for (let i = 0; i < Math.round((beep.gapMs / 1000) * RATE); i++) out.push(0);
  }
  return Int16Array.from(out);
}

/** A RIFF/WAVE file of 16-bit mono PCM. */
export function wav(pcm: Int16Array): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

if (process.argv[1]?.endsWith('make-sounds.ts')) {
  const dir = join(import.meta.dirname, '../resources/sounds');
  mkdirSync(dir, { recursive: true });
  for (const [name, beeps] of Object.entries(SOUNDS)) {
    writeFileSync(join(dir, `${name}.wav`), wav(samples(beeps)));
    console.log(`wrote resources/sounds/${name}.wav`);
  }
}
