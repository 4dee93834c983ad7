/**
 * Tocsin's own alert sounds, played by the platform's player: many notification servers (dunst
 * among them) ignore a sound hint, so a sound that must be heard is played here. Linux: `paplay`
 * (PulseAudio, and PipeWire's pulse server), else `pw-play`; macOS: `afplay`. Windows has no
 * command-line player: the toast plays the system's notification sound instead. When no player
 * can be run, the outcome says so, and the notification health shows it.
 */
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../../../../common/protocol/alert.js';
import { fail, ok, type Result } from '../../../../common/result.js';

/** A sound setting that means "Tocsin's own sound for this severity" rather than a system sound's name. */
export const TOCSIN_SOUND = 'tocsin';

/** The players to try, in order, for a platform. */
export function soundPlayers(platform: NodeJS.Platform): string[] {
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') return ['paplay', 'pw-play'];
  if (platform === 'darwin') return ['afplay'];
  return [];
}

/** Where the shipped sounds are: `TOCSIN_SOUNDS_DIR`, else `resources/sounds` beside the built code or the sources. */
export function defaultSoundsDir(here: string = import.meta.dirname, env = process.env): string {
  if (env.TOCSIN_SOUNDS_DIR) return env.TOCSIN_SOUNDS_DIR;
  const candidates = [join(here, '../resources/sounds'), join(here, '../../resources/sounds')];
  candidates.push(join(here, '../../../../resources/sounds'));
  return candidates.find((dir) => existsSync(join(dir, 'critical.wav'))) ?? candidates[0]!;
}

type Spawn = (
  command: string,
  args: string[],
  options: { stdio: ['ignore', 'ignore', 'pipe']; env: NodeJS.ProcessEnv },
) => ChildProcess;

/** Plays a severity's sound and says how it went. */
export class SoundPlayer {
  constructor(
    private readonly options: {
      platform: NodeJS.Platform;
      soundsDir?: string;
      spawn?: Spawn;
      timeoutMs?: number;
      /** The player's environment (PULSE_SERVER, say); this process's by default. */
      env?: NodeJS.ProcessEnv;
    },
  ) {}

  /** Play `severity`'s sound to the end; fails naming why (no player, the player's own error, a missing file). */
  async play(severity: Severity): Promise<Result<string>> {
    const players = soundPlayers(this.options.platform);
    if (players.length === 0) return fail('no_player', `no command-line sound player on ${this.options.platform}`);
    const file = join(this.options.soundsDir ?? defaultSoundsDir(), `${severity}.wav`);
    if (!existsSync(file)) return fail('no_sound', `the sound ${file} is missing`);
    for (const player of players) {
      const outcome = await this.run(player, file);
      if (outcome === 'not-installed') continue;
      return outcome;
    }
    return fail('no_player', `no sound player: install ${players.join(' or ')} (pulseaudio-utils, pipewire-bin)`);
  }

  private run(player: string, file: string): Promise<Result<string> | 'not-installed'> {
    const spawn = this.options.spawn ?? (spawnChild as Spawn);
    return new Promise((resolve) => {
      const child = spawn(player, [file], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: this.options.env ?? process.env,
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.timeoutMs ?? 10_000);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(error.code === 'ENOENT' ? 'not-installed' : fail('player_failed', `${player}: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(ok(`played by ${player}`));
        else
          resolve(
            fail(
              'player_failed',
              `${player} ${signal ? `killed by ${signal}` : `exited ${code}`}: ${stderr.trim() || 'no message'}`,
            ),
          );
      });
    });
  }
}
