/**
 * The core's notifications on macOS and Windows, shown with Electron's own Notification in the
 * main process (a worker thread cannot use Electron). What they look like and what an answer means
 * is decided in notification-view.ts (pure, tested); the core's ShellNotifier waits for the
 * answers (main/core/notify/delivery/shell.ts).
 */
import { pathToFileURL } from 'node:url';
import { app, Notification } from 'electron';
import type { ShellNotificationEvent } from '../core/notify/delivery/shell.js';
import type { AlertRef, NotificationRequest } from '../core/notify/request.js';
import {
  actionAt,
  macNotificationOptions,
  parseActivation,
  windowsToastXml,
  type NotificationAction,
} from './notification-view.js';

/**
 * The toast activator's CLSID, fixed so that a toast left in the Action Center by an earlier run
 * still reaches this app (app.md: "If one is not set via this method, it will be randomly
 * generated"; it is baked into the Start-menu shortcut Electron maintains).
 */
export const TOAST_ACTIVATOR_CLSID = '{6B0E4E55-1D2F-4C57-9E55-7F3C1A7D2B61}';

/** What the shell does with an answer that has no waiting core (Windows, after a restart). */
export type OrphanAnswers = {
  open(alert: AlertRef | null): void;
  acknowledge(alert: AlertRef): void;
  /** An https runbook (the shell's link rules apply). */
  openLink(url: string): void;
};

/** Shows notifications for the core; `answer` reports each one's fate back. */
export class ElectronNotifications {
  /** Held until they end: a collected Notification no longer emits its events. */
  private readonly live = new Map<string, { notification: Notification; request: NotificationRequest }>();

  constructor(
    private readonly platform: NodeJS.Platform,
    /** Tell the core; false when no running core waits for `id` any more (it was restarted). */
    private readonly answer: (id: string, event: ShellNotificationEvent) => boolean,
    private readonly orphans: OrphanAnswers,
    private readonly icon?: string,
  ) {
    if (platform === 'win32') {
      app.setToastActivatorCLSID(TOAST_ACTIVATOR_CLSID);
      // Every activation, including those from the Action Center after the toast's object is gone
      // or the app restarted (electron #49919, #51286); instance events are not used on Windows.
      Notification.handleActivation((details) => this.activated(details.arguments));
    }
  }

  /** Show one notification for the core. */
  show(id: string, request: NotificationRequest): void {
    if (!Notification.isSupported())
      return void this.answer(id, { kind: 'failed', reason: 'this desktop does not support notifications' });
    const notification =
      this.platform === 'win32'
        ? new Notification({
            id,
            title: request.title,
            body: request.body,
            // Toast images are URIs (file:/// for a desktop app), not paths.
            toastXml: windowsToastXml(request, id, this.icon && pathToFileURL(this.icon).href),
          })
        : new Notification(macNotificationOptions(request, id, this.icon));
    this.live.set(id, { notification, request });
    notification.on('show', () => void this.answer(id, { kind: 'on-screen' }));
    notification.on('failed', (_event, error) =>
      // macOS since Electron 42 (UNNotification): an unsigned app's notifications fail here.
      this.end(id, { kind: 'failed', reason: `native notification failed: ${error}` }),
    );
    notification.on('close', () => this.end(id, { kind: 'dismissed' }));
    if (this.platform !== 'win32') {
      notification.on('click', () => this.end(id, { kind: 'open' }));
      notification.on('action', (event) => {
        const action = actionAt(request, event.actionIndex);
        if (action) this.end(id, { kind: action });
      });
    }
    notification.show();
  }

  private end(id: string, event: ShellNotificationEvent): void {
    const shown = this.live.get(id);
    if (!shown) return;
    this.live.delete(id);
    if (this.answer(id, event)) return;
    // The core that showed it was restarted: act on the answer here.
    if (event.kind === 'acknowledge')
      for (const alert of shown.request.acknowledges ?? []) this.orphans.acknowledge(alert);
    else if (event.kind === 'open') this.orphans.open(shown.request.alert ?? null);
    else if (event.kind === 'runbook' && shown.request.runbook) this.orphans.openLink(shown.request.runbook);
  }

  private activated(raw: string): void {
    const activation = parseActivation(raw);
    if (!activation) return this.orphans.open(null); // a click on something of ours without arguments
    if (this.live.has(activation.id)) return this.end(activation.id, { kind: activation.action });
    this.orphan(activation.action, activation.alert, activation.runbook);
  }

  private orphan(action: NotificationAction, alert: AlertRef | null, runbook: string | null): void {
    if (action === 'acknowledge' && alert) this.orphans.acknowledge(alert);
    else if (action === 'runbook' && runbook) this.orphans.openLink(runbook);
    else this.orphans.open(alert);
  }
}
