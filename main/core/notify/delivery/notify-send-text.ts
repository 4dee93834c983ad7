/** notify-send's command line and what it prints, as plain functions (tested on their own). */
import type { NotificationRequest } from '../request.js';

/** The arguments for one notification. */
export function notifySendArgs(request: NotificationRequest, icon?: string): string[] {
  const args = ['--app-name=Tocsin', `--urgency=${request.urgency}`, '--category=x-tocsin.alert', '--print-id'];
  if (icon) args.push(`--icon=${icon}`);
  if (request.sound)
    args.push(`--hint=string:sound-name:${request.sound === 'default' ? 'message-new-instant' : request.sound}`);
  // A critical notification stays until it is acted on (servers that honour the hint).
  if (request.urgency === 'critical') args.push('--expire-time=0');
  args.push('--action=default=Open');
  if (request.acknowledges?.length) args.push(`--action=ack=${request.alert ? 'Acknowledge' : 'Acknowledge all'}`);
  // The alert's https runbook (policy.ts gives it to single-alert notifications only).
  if (request.runbook) args.push('--action=runbook=Open runbook');
  // "--" so a title starting with "-" is never read as an option.
  return [...args, '--wait', '--', request.title, request.body];
}

/** What notify-send's stdout says: the notification id (0 or absent: not shown) and the chosen action. */
export function parseNotifySendOutput(stdout: string): { id: number | null; action: string | null } {
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const id = lines.length > 0 && /^\d+$/.test(lines[0]!) ? Number(lines[0]) : null;
  return { id: id === 0 ? null : id, action: lines.length > 1 ? lines[lines.length - 1]! : null };
}

/** A reason people can act on, from notify-send's exit code and stderr. */
export function explainFailure(code: number | null, stderr: string): string {
  const text = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  if (/stdbuf: failed to run command/.test(stderr))
    return 'notify-send is not installed (Debian/Ubuntu: libnotify-bin; Fedora: libnotify)';
  if (/Unknown option --(action|wait|print-id)/.test(stderr))
    return `notify-send is older than libnotify 0.7.12 and cannot offer actions: ${text}`;
  if (/ServiceUnknown|not provided by any \.service|StartServiceByName|org\.freedesktop\.Notifications/.test(stderr)) {
    return `no notification server is running on the session bus: ${text}`;
  }
  if (/Failed to connect to proxy|Could not connect|autolaunch|dbus-launch|session bus/i.test(stderr))
    return `no D-Bus session bus to reach a notification server: ${text}`;
  if (code === null) return text ? `notify-send: ${text}` : 'notify-send printed nothing';
  return `notify-send exited with ${code}${text ? `: ${text}` : ' (no notification server?)'}`;
}
