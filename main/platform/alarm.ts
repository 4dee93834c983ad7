/**
 * The supervisor's alarm (the core went down) as a main-process Notification: critical, kept
 * until dismissed where the desktop allows; a click brings the window up.
 */
import { Notification } from 'electron';
import type { RaiseAlarm } from './core-port.js';

/**
 * Each notification is held until it closes, so that it is not collected while on screen and its
 * click still arrives.
 */
export function electronAlarm(iconPath: string, onClick: () => void): RaiseAlarm {
  const onScreen = new Set<Notification>();
  return (title, body) => {
    if (!Notification.isSupported())
      return void console.error(`tocsin: ${title}: ${body} (this desktop shows no notifications)`);
    const notification = new Notification({ title, body, icon: iconPath, urgency: 'critical', timeoutType: 'never' });
    onScreen.add(notification);
    notification.on('click', () => onClick());
    notification.on('close', () => onScreen.delete(notification));
    notification.on('failed', (_event, error) => {
      onScreen.delete(notification);
      console.error(`tocsin: the core alarm could not be shown: ${error}`);
    });
    notification.show();
  };
}
