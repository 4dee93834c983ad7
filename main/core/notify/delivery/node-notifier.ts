/**
 * macOS and Windows notifications through node-notifier, which carries actions there
 * (terminal-notifier, SnoreToast). node-notifier reports failures only through its callback,
 * so one is always passed; an error there becomes a `failed` outcome with its message.
 */
import notifier from 'node-notifier';
import type { DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from '../request.js';
import { errorMessage } from '../../../../common/protocol/bounded-json.js';

/** node-notifier's notify(), or a stand-in for tests. */
export type NotifyFunction = (
  options: Record<string, unknown>,
  callback: (error: Error | null, response?: string, metadata?: Record<string, unknown>) => void,
) => unknown;

/** How the node-notifier notifier runs. */
export type NodeNotifierOptions = {
  /** Windows groups and names toasts by it (the app's AppUserModelID). */
  appId: string;
  icon?: string;
  /** How long macOS keeps the action buttons answering, in seconds (default one hour). */
  waitSeconds?: number;
  notify?: NotifyFunction;
};

/** The user's choice, from node-notifier's callback (exported for tests). */
export function outcomeOf(
  response: string | undefined,
  metadata: Record<string, unknown> | undefined,
): DeliveryOutcome {
  // macOS reports a button as activationType "actionClicked" (response "activate") with its title
  // in activationValue; Windows reports the button's title as the response itself.
  const button = String(metadata?.activationValue ?? '').toLowerCase();
  const chosen = String(response ?? '').toLowerCase();
  if (button === 'acknowledge' || chosen === 'acknowledge') return { kind: 'acknowledge' };
  if (button === 'open runbook' || chosen === 'open runbook') return { kind: 'runbook' };
  if (button === 'open' || chosen === 'open' || chosen === 'activate' || chosen === 'click') return { kind: 'open' };
  if (chosen === 'timeout' || chosen === 'dismissed' || chosen === 'closed') return { kind: 'dismissed' };
  return { kind: 'shown' };
}

/** Notifications through node-notifier, with Acknowledge and Open buttons. */
export class NodeNotifierNotifier implements Notifier {
  private readonly notify: NotifyFunction;
  /** Notifications whose helper has not answered yet. */
  private readonly waiting = new Set<(outcome: DeliveryOutcome) => void>();

  constructor(private readonly options: NodeNotifierOptions) {
    this.notify =
      options.notify ??
      ((opts, callback) => notifier.notify(opts as notifier.Notification, callback as notifier.NotificationCallback));
  }

  show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    return new Promise<DeliveryOutcome>((settle) => {
      const resolve = (outcome: DeliveryOutcome) => {
        this.waiting.delete(resolve);
        settle(outcome);
      };
      this.waiting.add(resolve);
      const sound = request.sound === undefined ? {} : { sound: request.sound === 'default' ? true : request.sound };
      try {
        this.notify(
          {
            title: request.title,
            message: request.body || ' ',
            appID: this.options.appId,
            ...(this.options.icon ? { icon: this.options.icon } : {}),
            ...sound,
            wait: true,
            timeout: this.options.waitSeconds ?? 3600,
            ...(request.acknowledges?.length || request.runbook
              ? {
                  actions: [
                    ...(request.acknowledges?.length ? [request.alert ? 'Acknowledge' : 'Acknowledge all'] : []),
                    'Open',
                    ...(request.runbook ? ['Open runbook'] : []),
                  ],
                }
              : {}),
          },
          (error, response, metadata) => {
            if (!this.waiting.has(resolve)) return; // answered after close(): nobody waits any more
            if (error) return resolve({ kind: 'failed', reason: `native notification failed: ${error.message}` });
            progress?.shown();
            resolve(outcomeOf(response, metadata));
          },
        );
      } catch (error) {
        resolve({ kind: 'failed', reason: `native notification failed: ${errorMessage(error)}` });
      }
    });
  }

  /**
   * Stop waiting (a graceful quit). node-notifier reports a notification only when its helper
   * exits — on macOS after the user acts, else after `waitSeconds` (an hour) — and has no way to
   * close one, so without this the core's close waited for them until the worker was killed
   * before the history was closed. Each settles as `shown`. The helpers themselves are
   * node-notifier's child processes, which it does not expose: they end on their own when the
   * user answers or the timeout passes (docs/desktop.md). The desktop app no longer uses
   * node-notifier on macOS or Windows (delivery/select.ts); the browser console still does.
   */
  close(): Promise<void> {
    for (const resolve of [...this.waiting]) resolve({ kind: 'shown' });
    return Promise.resolve();
  }
}
