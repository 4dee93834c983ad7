/** The notifier for each platform and shell. Pure choice (notifierKind) plus its construction. */
import type { Notifier } from '../request.js';
import { NotifySendNotifier } from './linux.js';
import { NodeNotifierNotifier } from './node-notifier.js';

/** Which notifier a core uses. */
export type NotifierKind = 'notify-send' | 'shell' | 'node-notifier';

/**
 * Linux: notify-send (actions work through the freedesktop server). macOS and Windows in the
 * desktop app: the shell's Electron Notification (macOS: node-notifier's terminal-notifier is
 * x86_64 only and deprecated, node-notifier #361; Windows: Electron 42+ registers the toast
 * activator, so actions work from the Action Center — see main/platform/notification-view.ts).
 * macOS and Windows without Electron (the browser console): node-notifier.
 */
export function notifierKind(platform: NodeJS.Platform, shellNotifications: boolean): NotifierKind {
  if (platform === 'linux') return 'notify-send';
  return shellNotifications ? 'shell' : 'node-notifier';
}

/** Pick the notifier for `platform`; `appId` is the app's AppUserModelID (Windows); `shell` when the shell shows them. */
export function notifierFor(platform: NodeJS.Platform, appId: string, icon?: string, shell?: Notifier): Notifier {
  const kind = notifierKind(platform, shell !== undefined);
  if (kind === 'shell') return shell!;
  return kind === 'notify-send'
    ? new NotifySendNotifier(icon ? { icon } : {})
    : new NodeNotifierNotifier({ appId, ...(icon ? { icon } : {}) });
}
