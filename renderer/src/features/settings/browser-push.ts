/**
 * This browser's Web Push subscription: register the console's service worker, ask for
 * permission, and subscribe with the gateway's VAPID key. Only a browser console can do this:
 * Electron has no push service, so the desktop app cannot receive a push while it is closed.
 */
import type { PushSubscriptionJson } from '../../../../common/api/escalation';

/** Why push cannot be turned on here, or null when it can. */
export function pushUnsupportedReason(win: Window = window): string | null {
  if (win.tocsin) return 'desktop';
  if (!win.isSecureContext) return 'Push needs the console over https (or on localhost).';
  if (!('serviceWorker' in win.navigator) || !('PushManager' in win)) return 'This browser has no Web Push.';
  return null;
}

/** The VAPID key as the Push API takes it. */
export function applicationServerKey(publicKey: string): Uint8Array<ArrayBuffer> {
  const base64 = publicKey.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** "Chrome on Linux": how this device is listed under the person's subscriptions. */
export function deviceName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'an unknown system';
  return `${browser} on ${os}`;
}

/** Register the worker and subscribe; throws with the browser's own reason when it refuses. */
export async function subscribeThisBrowser(publicKey: string): Promise<PushSubscriptionJson> {
  const registration = await navigator.serviceWorker.register('./sw.js', { scope: './' });
  await navigator.serviceWorker.ready;
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(`notifications are ${permission} for this site`);
  const key = applicationServerKey(publicKey);
  const existing = await registration.pushManager.getSubscription();
  // A subscription made with another gateway's key cannot carry this one's pushes.
  if (existing && !sameKey(existing.options.applicationServerKey, key)) await existing.unsubscribe();
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = subscription.toJSON();
  return {
    endpoint: json.endpoint ?? '',
    keys: { p256dh: json.keys?.['p256dh'] ?? '', auth: json.keys?.['auth'] ?? '' },
  };
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}
