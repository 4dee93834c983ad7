/**
 * Linux notifications with actions. node-notifier drops `actions` and `wait` on Linux, so this
 * uses `notify-send --action … --wait` (libnotify 0.7.12+), which prints the chosen action's
 * key. A missing notify-send or notification server is reported as `failed`, never silently.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import type { DeliveryOutcome, NotificationRequest, Notifier } from '../request.js';

export type Spawn = (command: string, args: string[], options: { env?: NodeJS.ProcessEnv }) => ChildProcess;

/** The arguments for one notification (exported for tests). */
export function notifySendArgs(request: NotificationRequest): string[] {
  const args = ['--app-name=Tocsin', `--urgency=${request.urgency}`, '--category=x-tocsin.alert'];
  if (request.alert) args.push('--action=default=Open', '--action=ack=Acknowledge', '--wait');
  else args.push('--action=default=Open', '--wait');
  // "--" so a title starting with "-" is never read as an option.
  return [...args, '--', request.title, request.body];
}

export class NotifySendNotifier implements Notifier {
  constructor(private readonly spawn: Spawn = nodeSpawn, private readonly env: NodeJS.ProcessEnv = process.env) {}

  show(request: NotificationRequest): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let child: ChildProcess;
      try {
        child = this.spawn('notify-send', notifySendArgs(request), { env: this.env });
      } catch (error) {
        return resolve({ kind: 'failed', reason: `cannot run notify-send: ${(error as Error).message}` });
      }
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'failed', reason: error.code === 'ENOENT' ? 'notify-send is not installed (Debian/Ubuntu: libnotify-bin)' : `notify-send failed: ${error.message}` }),
      );
      child.on('close', (code) => {
        if (code !== 0) return resolve({ kind: 'failed', reason: `notify-send exited ${code}: ${stderr.trim() || 'no notification server?'}` });
        const action = stdout.trim().split('\n').pop();
        resolve(action === 'ack' ? { kind: 'acknowledge' } : action === 'default' ? { kind: 'open' } : { kind: 'dismissed' });
      });
    });
  }
}
