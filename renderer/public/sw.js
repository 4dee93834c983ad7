/**
 * The browser console's service worker: it shows the gateway's escalation pushes while no tab
 * of the console is open. The payload is the gateway's JSON (v 1): title, body, severity, a tag
 * per alert (a repeat replaces the earlier notification), the console link and the one-tap
 * Acknowledge link.
 *
 * - A click opens (or focuses) this console on the alert: `#/alert/<id>`.
 * - Acknowledge POSTs the signed link. When the POST cannot be made (an http gateway, which
 *   this worker's policy does not reach, or no network), the link's confirmation page opens
 *   instead, where one more tap acknowledges.
 */
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { title: 'Tocsin', body: event.data ? event.data.text() : '' };
  }
  const title = typeof message.title === 'string' ? message.title : 'Tocsin alert';
  const actions = typeof message.ackUrl === 'string' && message.ackUrl ? [{ action: 'ack', title: 'Acknowledge' }] : [];
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === 'string' ? message.body : '',
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      // A settled alert (acknowledged or resolved) replaces its notification without a sound.
      renotify: message.settled !== true,
      silent: message.settled === true,
      requireInteraction: message.severity === 'critical' && message.settled !== true,
      icon: 'icons/256x256.png',
      data: message,
      actions,
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  const message = event.notification.data || {};
  event.notification.close();
  if (event.action === 'ack' && message.ackUrl) {
    event.waitUntil(
      fetch(message.ackUrl, { method: 'POST', mode: 'no-cors', credentials: 'omit' }).catch(() =>
        self.clients.openWindow(message.ackUrl),
      ),
    );
    return;
  }
  const target = new URL(`#/alert/${encodeURIComponent(message.alertId || '')}`, self.registration.scope).href;
  event.waitUntil(openConsole(message.alertId ? target : self.registration.scope));
});

async function openConsole(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => client.url.startsWith(self.registration.scope));
  if (!open) return self.clients.openWindow(url);
  await open.focus();
  return open.navigate(url);
}
