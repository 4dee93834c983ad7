/**
 * Starting and stopping the real programs the tests talk to (the console, the gateway, …):
 * spawn, wait for a line that says it is ready, and always stop it (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type Started = { child: ChildProcess; match: RegExpMatchArray; output: () => string; stop(): Promise<void> };

/** Spawn `command` and resolve when a line of its stdout or stderr matches `ready`. */
export function startProcess(
  command: string,
  args: string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Started> {
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(
        new Error(`${command} ${args.join(' ')} was not ready within ${options.timeoutMs ?? 20_000} ms:\n${output}`),
      );
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output, stop: () => stopChild(child) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
