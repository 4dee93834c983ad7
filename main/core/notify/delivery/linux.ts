/**
 * Linux notifications with actions. node-notifier drops `actions` and `wait` on Linux, so this
 * runs `notify-send --print-id --action … --wait` (libnotify 0.7.12+): it prints the id once
 * the server has the notification, then the chosen action's name. A missing notify-send, a
 * missing session bus or notification server, or an old libnotify is reported as `failed` with
 * the reason, never silently; notify-send hangs without a bus, so no id within a deadline fails too.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { systemClock, type Clock } from '../../clock.js';
import type { DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from '../request.js';

/** child_process.spawn, or a stand-in for tests. */
export type Spawn = (command: string, args: string[], options: { env?: NodeJS.ProcessEnv }) => ChildProcess;

/** How the notify-send notifier runs. */
export type NotifySendOptions = {
  spawn?: Spawn;
  /** The environment notify-send sees (DISPLAY, DBUS_SESSION_BUS_ADDRESS). */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** No id printed within this long: the server never answered (default 10 s). */
  shownWithinMs?: number;
  /** At most this many notify-send processes wait for an answer; the oldest is let go (default 16). */
  maxWaiting?: number;
  /** An icon file or freedesktop icon name. */
  icon?: string;
};

/** The arguments for one notification (exported for tests). */
export function notifySendArgs(request: NotificationRequest, icon?: string): string[] {
  const args = ['--app-name=Tocsin', `--urgency=${request.urgency}`, '--category=x-tocsin.alert', '--print-id'];
  if (icon) args.push(`--icon=${icon}`);
  if (request.sound) args.push(`--hint=string:sound-name:${request.sound === 'default' ? 'message-new-instant' : request.sound}`);
  args.push('--action=default=Open');
  if (request.alert) args.push('--action=ack=Acknowledge');
  // "--" so a title starting with "-" is never read as an option.
  return [...args, '--wait', '--', request.title, request.body];
}

/** What notify-send's stdout says: the notification id (0 or absent: not shown) and the chosen action. */
export function parseNotifySendOutput(stdout: string): { id: number | null; action: string | null } {
  const lines = stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  const id = lines.length > 0 && /^\d+$/.test(lines[0]!) ? Number(lines[0]) : null;
  return { id: id === 0 ? null : id, action: lines.length > 1 ? lines[lines.length - 1]! : null };
}

/** A reason people can act on, from notify-send's exit code and stderr. */
export function explainFailure(code: number | null, stderr: string): string {
  const text = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  if (/Unknown option --(action|wait|print-id)/.test(stderr)) return `notify-send is older than libnotify 0.7.12 and cannot offer actions: ${text}`;
  if (/ServiceUnknown|not provided by any \.service|StartServiceByName|org\.freedesktop\.Notifications/.test(stderr)) {
    return `no notification server is running on the session bus: ${text}`;
  }
  if (/Failed to connect to proxy|Could not connect|autolaunch|dbus-launch|session bus/i.test(stderr)) return `no D-Bus session bus to reach a notification server: ${text}`;
  return `notify-send exited with ${code}${text ? `: ${text}` : ' (no notification server?)'}`;
}

/**
 * What notify-send 0.8 prints when it cannot show the notification. With --wait it then waits
 * forever instead of exiting, so these end it at once.
 */
const FATAL = /Could not connect|Error spawning command line|StartServiceByName|ServiceUnknown|Unknown option/;

/** Notifications through notify-send, with Open and Acknowledge actions. */
export class NotifySendNotifier implements Notifier {
  /** notify-send processes still running: whether their notification is shown, and how to stop waiting. */
  private readonly waiting = new Map<ChildProcess, { isShown: () => boolean; abandon: () => void }>();
  private readonly spawn: Spawn;
  private readonly clock: Clock;

  constructor(private readonly options: NotifySendOptions = {}) {
    this.spawn = options.spawn ?? nodeSpawn;
    this.clock = options.clock ?? systemClock;
  }

  show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let settled = false;
      let shown = false;
      let child: ChildProcess;
      const finish = (outcome: DeliveryOutcome) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(deadline);
        this.waiting.delete(child);
        resolve(outcome);
      };
      try {
        child = this.spawn('notify-send', notifySendArgs(request, this.options.icon), { env: this.options.env ?? process.env });
      } catch (error) {
        return resolve({ kind: 'failed', reason: `cannot run notify-send: ${(error as Error).message}` });
      }
      const deadline = this.clock.setTimeout(() => {
        if (shown) return;
        child.kill();
        finish({ kind: 'failed', reason: `no notification server answered within ${this.options.shownWithinMs ?? 10_000} ms: ${explainFailure(null, stderr)}` });
      }, this.options.shownWithinMs ?? 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!shown && parseNotifySendOutput(stdout).id !== null) {
          shown = true;
          this.clock.clearTimeout(deadline);
          const warning = /Actions are not supported/.test(stderr) ? 'the notification server shows no action buttons: acknowledge from the console' : undefined;
          progress?.shown(warning ? { warning } : undefined);
          this.letGoOfOldest();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (shown || !FATAL.test(stderr)) return;
        child.kill();
        finish({ kind: 'failed', reason: explainFailure(null, stderr) });
      });
      child.on('error', (error: NodeJS.ErrnoException) =>
        finish({ kind: 'failed', reason: error.code === 'ENOENT' ? 'notify-send is not installed (Debian/Ubuntu: libnotify-bin; Fedora: libnotify)' : `notify-send failed: ${error.message}` }),
      );
      child.on('close', (code) => {
        const { id, action } = parseNotifySendOutput(stdout);
        if (id === null) return finish({ kind: 'failed', reason: explainFailure(code, stderr) });
        finish(action === 'ack' ? { kind: 'acknowledge' } : action === 'default' ? { kind: 'open' } : code === 0 ? { kind: 'dismissed' } : { kind: 'shown' });
      });
      this.waiting.set(child, {
        isShown: () => shown,
        abandon: () => finish(shown ? { kind: 'shown' } : { kind: 'failed', reason: 'Tocsin stopped before the notification server answered' }),
      });
    });
  }

  /** Stop waiting: every notify-send still running is ended (its notification stays on screen). */
  async close(): Promise<void> {
    const children = [...this.waiting.keys()];
    await Promise.all(children.map((child) => this.letGo(child)));
  }

  /** Past maxWaiting shown notifications, stop waiting for the oldest ones' answers. */
  private letGoOfOldest(): void {
    const limit = this.options.maxWaiting ?? 16;
    const shown = [...this.waiting].filter(([, entry]) => entry.isShown()).map(([child]) => child);
    for (const child of shown.slice(0, Math.max(0, shown.length - limit))) void this.letGo(child);
  }

  /** End one notify-send: a shown notification stays on screen, with no answer to come. */
  private letGo(child: ChildProcess): Promise<void> {
    const entry = this.waiting.get(child);
    this.waiting.delete(child);
    entry?.abandon();
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill();
    return exited;
  }
}
