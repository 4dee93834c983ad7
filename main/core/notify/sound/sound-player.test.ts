import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samples, wav } from '../../../../scripts/make-sounds.js';
import { SEVERITIES } from '../../../../common/protocol/alert.js';
import { defaultSoundsDir, SoundPlayer, soundPlayers } from './sound-player.js';

describe('sound player', () => {
  it('picks the platform’s players: paplay then pw-play on Linux, afplay on macOS, none on Windows', () => {
    expect(soundPlayers('linux')).toEqual(['paplay', 'pw-play']);
    expect(soundPlayers('darwin')).toEqual(['afplay']);
    expect(soundPlayers('win32')).toEqual([]);
  });

  it('says which players to install when none can be run, and when a platform has none', async () => {
    const nowhere = new SoundPlayer({ platform: 'linux', env: { PATH: '/nonexistent' } });
    expect(await nowhere.play('critical')).toEqual({
      ok: false,
      code: 'no_player',
      message: 'no sound player: install paplay or pw-play (pulseaudio-utils, pipewire-bin)',
    });
    expect(await new SoundPlayer({ platform: 'win32' }).play('critical')).toMatchObject({ code: 'no_player' });
  });

  it('ships one short sound per severity, exactly what scripts/make-sounds.ts makes', () => {
    const dir = defaultSoundsDir();
    for (const severity of SEVERITIES) {
      const file = readFileSync(join(dir, `${severity}.wav`));
      expect(file.subarray(0, 4).toString()).toBe('RIFF');
      expect(file.readUInt32LE(40) / (22_050 * 2)).toBeLessThan(1); // seconds of audio
    }
    expect(readFileSync(join(dir, 'info.wav'))).toEqual(wav(samples([{ hz: 440, ms: 180, gapMs: 0, volume: 0.25 }])));
  });
});
