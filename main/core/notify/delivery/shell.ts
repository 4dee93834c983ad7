/**
 * Notifications shown by the shell that runs the core: the Electron main process shows them with
 * Electron's own Notification on macOS and Windows (main/platform/notifications.ts), because a
 * worker thread cannot use Electron's APIs. This notifier forwards each request with an id and
 * settles it when the shell reports how it ended.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from '../request.js';

/** What the shell reports about a notification it shows: on screen, or how it ended. */
export type ShellNotificationEvent = { kind: 'on-screen'; warning?: string } | DeliveryOutcome;

type Pending = { resolve: (outcome: DeliveryOutcome) => void; progress: DeliveryProgress | undefined };

/** Forwards notifications to the shell; `answer` is called with the shell's events. */
export class ShellNotifier implements Notifier {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly forward: (id: string, request: NotificationRequest) => void) {}

  show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    const id = randomUUID();
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, progress });
      this.forward(id, request);
    });
  }

  /** The shell's news of notification `id`; unknown ids (an earlier core's) are ignored. */
  answer(id: string, event: ShellNotificationEvent): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    if (event.kind === 'on-screen') {
      pending.progress?.shown(event.warning === undefined ? undefined : { warning: event.warning });
      return;
    }
    this.pending.delete(id);
    pending.resolve(event);
  }

  /**
   * Stop waiting (a graceful quit): every notification still on screen settles as `shown`, so
   * closing the core is never held by a notification nobody answers. An answer the shell gets
   * later (Windows: from the Action Center) is then handled by the shell on its own.
   */
  close(): Promise<void> {
    for (const { resolve } of this.pending.values()) resolve({ kind: 'shown' });
    this.pending.clear();
    return Promise.resolve();
  }
}
