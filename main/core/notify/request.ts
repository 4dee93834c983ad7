/** What the policy asks a notifier to show, what came of it, and the notifier's interface. */
import type { Severity } from '../../../common/protocol/alert.js';

/** An alert a notification is about. */
export type AlertRef = { feedId: string; alertId: string };

/** One native notification to show. */
export type NotificationRequest = {
  /** What the notification is about. */
  kind: 'alert' | 'digest' | 'feed-lost' | 'feed-back';
  title: string;
  body: string;
  /** Critical for critical alerts and a lost feed, normal otherwise (freedesktop urgency levels). */
  urgency: 'low' | 'normal' | 'critical';
  /** The alert behind a single-alert notification: Open and Acknowledge act on it. */
  alert?: AlertRef;
  /** Every alert the notification speaks for (one, or a digest's); each timeline records it. */
  covers?: readonly AlertRef[];
  /** What its Acknowledge action acknowledges: the alert, or every alert of a digest ("Acknowledge all"). */
  acknowledges?: readonly AlertRef[];
  /** A system sound's name from the settings (per severity), passed to the notification server. */
  sound?: string;
  /** The alert's runbook (https only): an "Open runbook" action opens it. */
  runbook?: string;
  /** Play Tocsin's own sound for this severity (the setting `tocsin`): played by Tocsin, not the server. */
  tocsinSound?: Severity;
};

/**
 * How a notification ended. `shown`: it was shown and no answer will come (the platform cannot
 * report one, or Tocsin stopped waiting); `open`: clicked or Open chosen; `acknowledge`: the
 * Acknowledge action; `dismissed`: closed or expired; `failed`: never shown, with the reason.
 */
export type DeliveryOutcome =
  | { kind: 'shown' }
  | { kind: 'open' }
  | { kind: 'acknowledge' }
  | { kind: 'runbook' }
  | { kind: 'dismissed' }
  | { kind: 'failed'; reason: string };

/** Called while a notification is on screen, before its outcome is known. */
export type DeliveryProgress = {
  /** The notification server accepted it; `warning` names a limitation (e.g. no action buttons). */
  shown(detail?: { warning?: string }): void;
};

/** Shows native notifications. `show` resolves when the user acted on it or it went away; it never rejects. */
export interface Notifier {
  show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome>;
  /** Stop waiting for answers from notifications still on screen (a graceful quit). */
  close?(): Promise<void>;
  /** Take an alert's own notification off the screen (acknowledged or resolved elsewhere); how many were. */
  withdraw?(alert: AlertRef): Promise<number>;
}
