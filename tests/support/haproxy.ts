/**
 * HAProxy (Debian's 2.6) for tests: `haproxy -db -f FILE` in the foreground with the addresses
 * in its environment (the configuration expands "${VAR}"), checked first with `haproxy -c`.
 * Ready when a request through it is answered; stopped with SIGUSR1 (graceful), then SIGKILL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { until } from './until.js';

export type RunningHaproxy = { url: string; output: () => string; stop(): Promise<void> };

/** `haproxy -c -f file` with `env`: the checker's output, and whether the file is valid. */
export function checkHaproxyConfig(file: string, env: Record<string, string>): { ok: boolean; output: string } {
  const result = spawnSync('haproxy', ['-c', '-f', file], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Start HAProxy on `file`; `probe` is a path any backend answers (e.g. /healthz). */
export async function startHaproxy(
  file: string,
  env: Record<string, string> & { TOCSIN_BIND: string },
  probe = '/healthz',
): Promise<RunningHaproxy> {
  const checked = checkHaproxyConfig(file, env);
  if (!checked.ok) throw new Error(`haproxy -c -f ${file} refused it:\n${checked.output}`);
  const child = spawn('haproxy', ['-db', '-f', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://${env.TOCSIN_BIND}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGUSR1');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    await until(
      () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output}`);
        return fetch(`${url}${probe}`)
          .then((response) => response.ok)
          .catch(() => false);
      },
      15_000,
      () => `haproxy answering ${probe}:\n${output}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}
