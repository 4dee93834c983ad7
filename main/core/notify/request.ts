/** What the policy asks the notifier to show, and what came of it. */
export type NotificationRequest = {
  /** What the notification is about. */
  kind: 'alert' | 'digest' | 'feed-lost' | 'feed-back';
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
  /** The alert behind a single-alert notification: Open and Acknowledge act on it. */
  alert?: { feedId: string; alertId: string };
};

export type DeliveryOutcome =
  | { kind: 'open' }
  | { kind: 'acknowledge' }
  | { kind: 'dismissed' }
  | { kind: 'failed'; reason: string };

/** Shows native notifications. Resolves when the user acted on it or it went away. */
export interface Notifier {
  show(request: NotificationRequest): Promise<DeliveryOutcome>;
}
