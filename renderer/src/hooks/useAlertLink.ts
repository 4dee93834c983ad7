/**
 * Links into the console on one alert: `…/console#/alert/<alertId>` (the escalation e-mail's
 * "Open in the console", a push notification's click). The hash names the alert; this hook
 * follows it on load and on every change, so a link opened in a running console moves it too.
 */
import { useEffect, useState } from 'react';

/** The alert id a hash names, or null. */
export function alertIdFromHash(hash: string): string | null {
  const match = /^#\/alert\/(.+)$/.exec(hash);
  if (!match) return null;
  try {
    const id = decodeURIComponent(match[1]!);
    return id.length > 0 && id.length <= 256 ? id : null;
  } catch {
    return null;
  }
}

/** The alert the location's hash asks for, and a counter that changes with every request. */
export function useAlertLink(): { alertId: string | null; n: number } {
  const [request, setRequest] = useState(() => ({ alertId: alertIdFromHash(window.location.hash), n: 0 }));
  useEffect(() => {
    const follow = () => setRequest((r) => ({ alertId: alertIdFromHash(window.location.hash), n: r.n + 1 }));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return request;
}
