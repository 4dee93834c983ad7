/** The notifier for this platform: notify-send on Linux (actions work), node-notifier elsewhere. */
import type { Notifier } from '../request.js';
import { NotifySendNotifier } from './linux.js';
import { NodeNotifierNotifier } from './node-notifier.js';

export function notifierFor(platform: NodeJS.Platform, appId: string, icon?: string): Notifier {
  return platform === 'linux' ? new NotifySendNotifier() : new NodeNotifierNotifier(appId, icon);
}
