/**
 * Sounds are heard, tested against a real PulseAudio server on a null sink (Debian's
 * `pulseaudio`, started here as its own process): the default settings play Tocsin's critical
 * sound for a critical alert, a new stream appears on the sink and what the sink's monitor
 * records is not silence; an info alert (no sound by default) plays nothing. Without a sound
 * server, the player's failure is in the notification health, not silent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationSettingsSchema } from '../../../../common/notify/settings.js';
import type { Severity } from '../../../../common/protocol/alert.js';
import { ok } from '../../../../common/result.js';
import { stopChild } from '../../../../tests/support/processes.js';
import { until } from '../../../../tests/support/until.js';
import { HIDDEN_WINDOW } from '../../../../common/window-state.js';
import { NotificationCenter } from '../notification-center.js';
import { NotificationPolicy } from '../policy.js';
import { SoundPlayer } from './sound-player.js';
import { systemClock } from '../../../../common/clock.js';
import { firedChange } from '../../../../tests/support/committed-changes.js';

const dir = mkdtempSync(join(tmpdir(), 'tocsin-pulse-'));
const env = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_SERVER: `unix:${join(dir, 'pulse.sock')}` };
let pulse: ChildProcess;
let events: string[] = [];
let subscriber: ChildProcess;

beforeAll(async () => {
  pulse = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--use-pid-file=no',
      '--exit-idle-time=-1',
      '--disable-shm=yes',
      `--load=module-native-protocol-unix socket=${join(dir, 'pulse.sock')} auth-anonymous=1`,
      '--load=module-null-sink sink_name=testsink',
    ],
    { env, stdio: 'ignore' },
  );
  const sinks = () =>
    new Promise<string>((resolve) => {
      const pactl = spawn('pactl', ['list', 'short', 'sinks'], { env });
      let out = '';
      pactl.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      pactl.on('close', () => resolve(out));
    });
  await until(async () => (await sinks()).includes('testsink'), 10_000, 'PulseAudio with its null sink');
  subscriber = spawn('pactl', ['subscribe'], { env });
  subscriber.stdout!.on('data', (chunk: Buffer) => events.push(...chunk.toString().split('\n').filter(Boolean)));
}, 20_000);

afterAll(async () => {
  if (subscriber) await stopChild(subscriber);
  if (pulse) await stopChild(pulse);
});

function centerWith(player: SoundPlayer) {
  const settings = NotificationSettingsSchema.parse({});
  const policy = new NotificationPolicy(settings, systemClock);
  const health: string[] = [];
  const center = new NotificationCenter({
    policy,
    sounds: player,
    notifier: { show: async () => ({ kind: 'shown' }) },
    clock: systemClock,
    settings: () => settings,
    windowState: () => HIDDEN_WINDOW,
    acknowledge: async () => ok(null),
    open: () => {},
    recordNotified: () => {},
    log: () => {},
  });
  center.onHealth((h) => health.push(h.soundProblem ?? 'ok'));
  const fire = (severity: Severity) => center.onCommitted([firedChange(severity, 'outage')]);
  return { center, fire, health };
}

/** Record the sink's monitor while `run` plays; the loudest sample. */
async function loudestWhile(run: () => Promise<void>): Promise<{ peak: number; bytes: number }> {
  // Into a file, as a shell would: what parec writes to a pipe came through only in part.
  const file = join(dir, `monitor-${Date.now()}.raw`);
  const parec = spawn('sh', ['-c', `exec parec -d testsink.monitor > '${file}'`], { env }); // s16le stereo 44.1 kHz
  // A monitor records silence for its first second or so (seen here: a sound played 0.3 s after
  // parec started was not in the recording; one played after 1.5 s was).
  await new Promise((r) => setTimeout(r, 1_500));
  await run();
  await new Promise((r) => setTimeout(r, 500));
  await stopChild(parec);
  const pcm = readFileSync(file);
  let peak = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
  return { peak, bytes: pcm.length };
}

describe('Tocsin’s own sounds through PulseAudio', () => {
  it('a critical alert plays a stream to the sink that is not silence; an info alert plays none', async () => {
    const { center, fire } = centerWith(new SoundPlayer({ platform: 'linux', env }));
    events = [];
    const critical = await loudestWhile(async () => {
      fire('critical');
      await until(() => events.some((e) => e.includes("'remove' on sink-input")), 10_000, 'the sound to finish');
    });
    expect(events.some((e) => e.includes("'new' on sink-input"))).toBe(true);
    expect(critical.peak).toBeGreaterThan(5_000);
    console.log(`critical: a stream on the sink, peak ${critical.peak} of 32767 in ${critical.bytes} bytes recorded`);

    events = [];
    const info = await loudestWhile(async () => {
      fire('info');
      await new Promise((r) => setTimeout(r, 1_000));
    });
    expect(events.filter((e) => e.includes('sink-input'))).toEqual([]);
    expect(info.peak).toBeLessThan(100);
    await center.close();
  }, 30_000);

  it('says in the health when no sound server answers', async () => {
    const nowhere = { ...env, PULSE_SERVER: `unix:${join(dir, 'nobody-here.sock')}` };
    const { center, fire, health } = centerWith(new SoundPlayer({ platform: 'linux', env: nowhere }));
    fire('critical');
    await until(() => health.some((h) => h !== 'ok'), 10_000, 'the sound problem in the health');
    expect(health.find((h) => h !== 'ok')).toMatch(/^sounds are not played: paplay exited 1: /);
    await center.close();
  }, 20_000);
});
