/**
 * How an alert notification looks in Electron's `Notification` on macOS and Windows, and what the
 * user's answer means. Pure: tested in plain Node; main/platform/notifications.ts shows them.
 *
 * macOS: Electron's Notification (UNNotification since Electron 42, breaking-changes.md) with
 * Acknowledge and Open buttons. Buttons need a signed app whose Info.plist sets
 * NSUserNotificationAlertStyle to `alert` (notification-action.md; electron-builder.yml
 * mac.extendInfo); node-notifier's terminal-notifier was x86_64 only and attributed everything to
 * "terminal-notifier" (node-notifier #361).
 *
 * Windows: Electron's Notification with `toastXml`. Since Electron 42 Electron registers a
 * ToastActivatorCLSID and keeps the Start-menu shortcut carrying it and the AppUserModelID
 * (shell/browser/notifications/win/windows_toast_activator.cc: EnsureCLSIDRegistry,
 * EnsureShortcut; electron #49919), and since 43 an action chosen in the Action Center is
 * dispatched even when the toast's object is gone or the app was restarted
 * (Notification.handleActivation; electron #51286). node-notifier's SnoreToast registers no COM
 * activator: a toast clicked in the Action Center after the helper exited does nothing. The
 * arguments carry the alert, so an Acknowledge from a toast of an earlier run still acknowledges
 * the right alert; Electron's parser reads only type/action/tag and ignores the rest
 * (HandleToastActivation).
 */
import { notifierKind } from '../core/notify/delivery/select.js';
import type { AlertRef, NotificationRequest } from '../core/notify/request.js';

/** What a button does. */
export type NotificationAction = 'acknowledge' | 'open' | 'runbook';

/**
 * The buttons of a request, in order: Acknowledge (when it acknowledges anything), Open, then
 * Open runbook (when the alert has an https runbook: policy.ts).
 */
export function actionsOf(request: NotificationRequest): Array<{ action: NotificationAction; label: string }> {
  const acknowledge = request.acknowledges?.length
    ? [{ action: 'acknowledge' as const, label: request.alert ? 'Acknowledge' : 'Acknowledge all' }]
    : [];
  const runbook = request.runbook ? [{ action: 'runbook' as const, label: 'Open runbook' }] : [];
  return [...acknowledge, { action: 'open', label: 'Open' }, ...runbook];
}

/** The button at `index` of a request's buttons (an Electron 'action' event's actionIndex). */
export function actionAt(request: NotificationRequest, index: number): NotificationAction | null {
  return actionsOf(request)[index]?.action ?? null;
}

/** Electron Notification options for macOS. */
export function macNotificationOptions(request: NotificationRequest, id: string, icon?: string) {
  return {
    id,
    title: request.title,
    body: request.body,
    actions: actionsOf(request).map(({ label }) => ({ type: 'button' as const, text: label })),
    ...(request.sound && request.sound !== 'default' ? { sound: request.sound } : {}),
    ...(icon ? { icon } : {}),
  };
}

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** A toast's activation arguments: Electron's keys (type, action, tag) plus Tocsin's (do, feed, alert). */
export function activationArguments(
  type: 'click' | 'action',
  index: number | null,
  id: string,
  action: NotificationAction,
  alert?: AlertRef,
  runbook?: string,
): string {
  const params = new URLSearchParams();
  params.set('type', type);
  if (index !== null) params.set('action', String(index));
  params.set('tag', id);
  params.set('do', action);
  if (alert) {
    params.set('feed', alert.feedId);
    params.set('alert', alert.alertId);
  }
  if (action === 'runbook' && runbook) params.set('runbook', runbook);
  return params.toString();
}

/**
 * The toast for Windows. A critical alert uses the `urgent` scenario: an important notification
 * that breaks through Do Not Disturb (Focus Assist) where the user allows important notifications
 * for Tocsin, on Windows 10 build 19041 and later (older builds show it as a plain toast). Not
 * `reminder`, which would keep it on screen: Windows ignores that scenario unless a button
 * activates in the background, and ours bring the app to the foreground (toast schema,
 * learn.microsoft.com/uwp/schemas/tiles/toastschema/element-toast).
 */
export function windowsToastXml(request: NotificationRequest, id: string, iconUrl?: string): string {
  const buttons = actionsOf(request)
    .map(
      ({ action, label }, index) =>
        `<action content="${escapeXml(label)}" activationType="foreground" arguments="${escapeXml(activationArguments('action', index, id, action, request.alert, request.runbook))}"/>`,
    )
    .join('');
  const scenario = request.urgency === 'critical' ? ' scenario="urgent"' : '';
  const image = iconUrl ? `<image placement="appLogoOverride" src="${escapeXml(iconUrl)}"/>` : '';
  return (
    `<toast activationType="foreground" launch="${escapeXml(activationArguments('click', null, id, 'open', request.alert))}"${scenario}>` +
    `<visual><binding template="ToastGeneric"><text>${escapeXml(request.title)}</text><text>${escapeXml(request.body)}</text>${image}</binding></visual>` +
    `<actions>${buttons}</actions></toast>`
  );
}

/** What an activation asks for: the notification it came from and, if known, its alert and runbook. */
export type Activation = { id: string; action: NotificationAction; alert: AlertRef | null; runbook: string | null };

/** Read an activation's raw arguments (Notification.handleActivation); null when not Tocsin's. */
export function parseActivation(raw: string): Activation | null {
  const params = new URLSearchParams(raw);
  const id = params.get('tag');
  const action = params.get('do');
  if (!id || (action !== 'acknowledge' && action !== 'open' && action !== 'runbook')) return null;
  const feedId = params.get('feed');
  const alertId = params.get('alert');
  return { id, action, alert: feedId && alertId ? { feedId, alertId } : null, runbook: params.get('runbook') };
}

/** Whether this shell shows the core's notifications itself (macOS, Windows: delivery/select.ts). */
export function shellShowsNotifications(platform: NodeJS.Platform): boolean {
  return notifierKind(platform, true) === 'shell';
}
