/**
 * macOS and Windows notifications through node-notifier, which carries actions there.
 * node-notifier reports failures only through its callback, so one is always passed.
 */
import notifier from 'node-notifier';
import type { DeliveryOutcome, NotificationRequest, Notifier } from '../request.js';

export class NodeNotifierNotifier implements Notifier {
  constructor(private readonly appId: string, private readonly icon?: string) {}

  show(request: NotificationRequest): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      notifier.notify(
        {
          title: request.title,
          message: request.body || ' ',
          appID: this.appId,
          ...(this.icon ? { icon: this.icon } : {}),
          wait: true,
          ...(request.alert ? { actions: ['Acknowledge', 'Open'] } : {}),
        } as notifier.Notification,
        (error, response, metadata) => {
          if (error) return resolve({ kind: 'failed', reason: `native notification failed: ${error.message}` });
          const chosen = String((metadata as { activationValue?: string } | undefined)?.activationValue ?? response ?? '').toLowerCase();
          if (chosen.includes('acknowledge')) return resolve({ kind: 'acknowledge' });
          if (chosen.includes('open') || chosen.includes('activate') || chosen.includes('click')) return resolve({ kind: 'open' });
          resolve({ kind: 'dismissed' });
        },
      );
    });
  }
}
