/**
 * Linux notifications with actions. node-notifier drops `actions` and `wait` on Linux, so this
 * runs `notify-send --print-id --action … --wait` (libnotify 0.7.12+): it prints the id once the
 * server has the notification, then the chosen action's name. notify-send block-buffers stdout
 * into a pipe, so it runs under `stdbuf -oL` where coreutils has it (else "shown" is inferred
 * when nothing failed within a second). A missing notify-send, session bus or notification
 * server, or an old libnotify, is reported as `failed` with the reason, never silently; with
 * --wait notify-send 0.8 hangs after such errors, so they end it at once, and no answer within
 * a deadline fails too.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { systemClock, type Clock } from '../../../../common/clock.js';
import type { DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from '../request.js';
import { explainFailure, notifySendArgs, parseNotifySendOutput } from './notify-send-text.js';
import { errorMessage } from '../../../../common/protocol/bounded-json.js';

export { explainFailure, notifySendArgs, parseNotifySendOutput } from './notify-send-text.js';

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
  /** Run notify-send under `stdbuf -oL` (default true; turned off by itself if stdbuf is missing). */
  lineBuffered?: boolean;
};

/** What notify-send 0.8 prints when it cannot show a notification (with --wait it then hangs). */
const FATAL =
  /Could not connect|Error spawning command line|StartServiceByName|ServiceUnknown|Unknown option|stdbuf: failed to run command/;
/** Without stdbuf the id arrives only at exit: a notification nobody objected to within this long is shown. */
const ASSUME_SHOWN_MS = 1_000;

/** Notifications through notify-send, with Open and Acknowledge actions. */
export class NotifySendNotifier implements Notifier {
  /** notify-send processes still running: whether their notification is shown, and how to stop waiting. */
  private readonly waiting = new Map<ChildProcess, { isShown: () => boolean; abandon: () => void }>();
  private readonly spawn: Spawn;
  private readonly clock: Clock;
  private lineBuffered: boolean;

  constructor(private readonly options: NotifySendOptions = {}) {
    this.spawn = options.spawn ?? nodeSpawn;
    this.clock = options.clock ?? systemClock;
    this.lineBuffered = options.lineBuffered ?? true;
  }

  async show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    const viaStdbuf = this.lineBuffered;
    const outcome = await this.run(request, progress, viaStdbuf);
    if (outcome === 'no-stdbuf') {
      this.lineBuffered = false;
      return this.show(request, progress);
    }
    return outcome;
  }

  /** Stop waiting: every notify-send still running is ended (its notification stays on screen). */
  async close(): Promise<void> {
    await Promise.all([...this.waiting.keys()].map((child) => this.letGo(child)));
  }

  private run(
    request: NotificationRequest,
    progress: DeliveryProgress | undefined,
    viaStdbuf: boolean,
  ): Promise<DeliveryOutcome | 'no-stdbuf'> {
    return new Promise((resolve) => {
      const args = notifySendArgs(request, this.options.icon);
      const shownWithinMs = this.options.shownWithinMs ?? 10_000;
      let stdout = '';
      let stderr = '';
      let settled = false;
      let shown = false;
      let child: ChildProcess;
      const finish = (outcome: DeliveryOutcome | 'no-stdbuf') => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(deadline);
        this.waiting.delete(child);
        resolve(outcome);
      };
      const markShown = () => {
        if (shown || settled) return;
        shown = true;
        this.clock.clearTimeout(deadline);
        const warning = /Actions are not supported/.test(stderr)
          ? 'the notification server shows no action buttons: acknowledge from the console'
          : undefined;
        progress?.shown(warning ? { warning } : undefined);
        this.letGoOfOldest();
      };
      try {
        child = viaStdbuf
          ? this.spawn('stdbuf', ['-oL', 'notify-send', ...args], { env: this.options.env ?? process.env })
          : this.spawn('notify-send', args, { env: this.options.env ?? process.env });
      } catch (error) {
        return resolve({ kind: 'failed', reason: `cannot run notify-send: ${errorMessage(error)}` });
      }
      const deadline = viaStdbuf
        ? this.clock.setTimeout(() => {
            child.kill();
            finish({
              kind: 'failed',
              reason: `no notification server answered within ${shownWithinMs} ms: ${explainFailure(null, stderr)}`,
            });
          }, shownWithinMs)
        : this.clock.setTimeout(markShown, ASSUME_SHOWN_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (parseNotifySendOutput(stdout).id !== null) markShown();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (shown || !FATAL.test(stderr)) return;
        child.kill();
        finish({ kind: 'failed', reason: explainFailure(null, stderr) });
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') return finish({ kind: 'failed', reason: `notify-send failed: ${error.message}` });
        finish(
          viaStdbuf
            ? 'no-stdbuf'
            : {
                kind: 'failed',
                reason: 'notify-send is not installed (Debian/Ubuntu: libnotify-bin; Fedora: libnotify)',
              },
        );
      });
      child.on('close', (code) => {
        const { id, action } = parseNotifySendOutput(stdout);
        if (id === null) return finish({ kind: 'failed', reason: explainFailure(code, stderr) });
        markShown();
        finish(
          action === 'ack'
            ? { kind: 'acknowledge' }
            : action === 'runbook'
              ? { kind: 'runbook' }
              : action === 'default'
                ? { kind: 'open' }
                : code === 0
                  ? { kind: 'dismissed' }
                  : { kind: 'shown' },
        );
      });
      this.waiting.set(child, {
        isShown: () => shown,
        abandon: () =>
          finish(
            shown
              ? { kind: 'shown' }
              : { kind: 'failed', reason: 'Tocsin stopped before the notification server answered' },
          ),
      });
    });
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
