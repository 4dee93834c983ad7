/** The notifier for this platform: notify-send on Linux (actions work there), node-notifier elsewhere. */
import type { Notifier } from '../request.js';
import { NotifySendNotifier } from './linux.js';
import { NodeNotifierNotifier } from './node-notifier.js';

/** Pick the notifier for `platform`; `appId` is the app's AppUserModelID (Windows). */
export function notifierFor(platform: NodeJS.Platform, appId: string, icon?: string): Notifier {
  return platform === 'linux'
    ? new NotifySendNotifier(icon ? { icon } : {})
    : new NodeNotifierNotifier({ appId, ...(icon ? { icon } : {}) });
}
