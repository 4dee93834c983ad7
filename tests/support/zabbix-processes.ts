/**
 * Process plumbing for the real Zabbix of tests/support/zabbix.ts: each program in its own
 * process group (PostgreSQL under runuser, php -S with its workers, zabbix_server with its
 * forks), stopped as a group, and SIGKILLed as a group if the test process exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export type Group = { child: ChildProcess; output: () => string; stop(signal?: NodeJS.Signals): Promise<void> };
const groups = new Set<ChildProcess>();
let exitHook = false;

/** Spawn `command` in its own process group; resolve when its output matches `ready`. */
export function startGroup(
  command: string,
  args: string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Group> {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => groups.forEach((child) => killGroup(child, 'SIGKILL')));
  }
  const child = spawn(command, args, {
    detached: true,
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!groups.has(child)) return;
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // workers the leader left behind
    groups.delete(child);
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ${why}:\n${output.slice(-4_000)}`));
    };
    const timer = setTimeout(
      () => fail(`was not ready within ${options.timeoutMs ?? 30_000} ms`),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code) => fail(`exited with ${code} before it was ready`));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** Run a shell pipeline (no user input in it); rejects with its output on failure. */
export function sh(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `set -e; ${script}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script}\nexited ${code}:\n${output}`))));
  });
}

/** zabbix_server refuses ListenPort above 32767: a free port from 20000–32767. */
export async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
