/**
 * The org.freedesktop.Notifications protocol as plain functions (tested on their own): what
 * GetCapabilities means for Tocsin, the arguments of one Notify call, how the server's signals
 * map to an outcome, and D-Bus errors as reasons people can act on.
 * Specification: https://specifications.freedesktop.org/notification-spec/latest/
 */
import type { DeliveryOutcome, NotificationRequest } from '../request.js';

export const NOTIFICATIONS_NAME = 'org.freedesktop.Notifications';
export const NOTIFICATIONS_PATH = '/org/freedesktop/Notifications';
export const NOTIFICATIONS_INTERFACE = 'org.freedesktop.Notifications';
/** Notify's D-Bus signature: app name, replaces id, icon, summary, body, actions, hints, expire timeout. */
export const NOTIFY_SIGNATURE = 'susssasa{sv}i';

/** What the running notification server can do, from GetCapabilities. */
export type ServerFeatures = {
  /** It shows action buttons (Open, Acknowledge): without them only the console can acknowledge. */
  actions: boolean;
  /** It keeps notifications after they close (a history), so an expired one is not lost. */
  persistence: boolean;
  /** It plays sounds (`sound-name`); without it a system sound setting is silent. */
  sound: boolean;
  /** It reads the body as markup, so `<` and `&` in an alert's text must be escaped. */
  bodyMarkup: boolean;
};

/** The features in a GetCapabilities reply. */
export function serverFeatures(capabilities: readonly string[]): ServerFeatures {
  const has = (name: string) => capabilities.includes(name);
  return {
    actions: has('actions'),
    persistence: has('persistence'),
    sound: has('sound'),
    bodyMarkup: has('body-markup'),
  };
}

/** One hint's D-Bus type and value; the caller wraps it in a Variant. */
export type Hint = { signature: 'y' | 's' | 'b'; value: number | string | boolean };

/** The arguments of one Notify call, before the hints become Variants. */
export type NotifyCall = {
  appName: string;
  icon: string;
  summary: string;
  body: string;
  actions: string[];
  hints: Record<string, Hint>;
  /** Milliseconds; -1 is the server's default, 0 never expires. */
  expireTimeout: number;
};

const URGENCY = { low: 0, normal: 1, critical: 2 } as const;

/** Escape the five characters the spec's body markup gives meaning to. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The Notify call for `request` on a server with `features`. */
export function notifyCall(
  request: NotificationRequest,
  features: ServerFeatures,
  options: { icon?: string; stackTag?: boolean } = {},
): NotifyCall {
  const hints: Record<string, Hint> = {
    urgency: { signature: 'y', value: URGENCY[request.urgency] },
    // The same category as the notify-send path, so dunst rules and history read alike.
    category: { signature: 's', value: 'x-tocsin.alert' },
  };
  if (request.sound)
    hints['sound-name'] = {
      signature: 's',
      value: request.sound === 'default' ? 'message-new-instant' : request.sound,
    };
  // Tocsin plays its own sound for this one: a server that plays sounds must not add a second.
  else if (request.tocsinSound && features.sound) hints['suppress-sound'] = { signature: 'b', value: true };
  // One alert, one notification on screen: dunst replaces an earlier one of the same alert.
  if (options.stackTag && request.alert)
    hints['x-dunst-stack-tag'] = { signature: 's', value: `tocsin:${request.alert.feedId}/${request.alert.alertId}` };
  const actions: string[] = [];
  if (features.actions) {
    actions.push('default', 'Open');
    if (request.acknowledges?.length) actions.push('ack', request.alert ? 'Acknowledge' : 'Acknowledge all');
    if (request.runbook) actions.push('runbook', 'Open runbook');
  }
  return {
    appName: 'Tocsin',
    icon: options.icon ?? '',
    summary: request.title,
    body: features.bodyMarkup ? escapeMarkup(request.body) : request.body,
    actions,
    hints,
    // A critical notification stays until it is acted on.
    expireTimeout: request.urgency === 'critical' ? 0 : -1,
  };
}

/** The outcome an ActionInvoked signal's action key means. */
export function actionOutcome(actionKey: string): DeliveryOutcome {
  if (actionKey === 'ack') return { kind: 'acknowledge' };
  if (actionKey === 'runbook') return { kind: 'runbook' };
  // "default" is a click on the notification; "open" is accepted from servers that lower-case labels.
  return { kind: 'open' };
}

/** NotificationClosed's reason codes, for logs. */
export function closedReason(code: number): string {
  return (
    ['', 'expired', 'dismissed by the user', 'closed by a CloseNotification call', 'undefined'][code] ??
    `reason ${code}`
  );
}

/** A reason people can act on, from an error of a D-Bus call or connection. */
export function explainDbusError(error: unknown, doing: string): string {
  const type = typeof error === 'object' && error && 'type' in error ? String(error.type) : '';
  const text = error instanceof Error ? error.message : String(error);
  if (/ServiceUnknown|NameHasNoOwner/.test(type))
    return `no notification server owns ${NOTIFICATIONS_NAME} on the session bus (${doing}: ${text})`;
  if (/ENOENT|ECONNREFUSED|EACCES/.test(text)) return `cannot connect to the D-Bus session bus (${doing}: ${text})`;
  return `${doing} failed: ${type ? `${type}: ` : ''}${text}`;
}
