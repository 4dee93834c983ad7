/**
 * Turns committed changes into native notifications: asks the policy, delivers through the
 * platform's notifier, records each notification on the alert's timeline, and turns the
 * user's choice into an action: Acknowledge travels to the gateway over the feed's socket,
 * Open brings the window up on that alert. Losing a feed for too long is a notification too.
 */
import type { FeedStatus } from '../../../preload/contract.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { WindowState } from '../host/window-state.js';
import type { CommittedChange, CommittedObserver } from '../pipeline/observer.js';
import type { NotificationPolicy } from './policy.js';
import type { DeliveryOutcome, NotificationRequest, Notifier } from './request.js';
import type { NotificationSettings } from './settings.js';

export type NotificationCenterDeps = {
  policy: NotificationPolicy;
  notifier: Notifier;
  clock: Clock;
  settings: () => NotificationSettings;
  windowState: () => WindowState;
  acknowledge(feedId: string, alertId: string): Promise<unknown>;
  open(feedId: string, alertId: string): void;
  recordNotified(feedId: string, alertId: string, at: number): void;
  log(message: string): void;
};

/** Delivery health, so a broken notification path is visible instead of silent. */
export type NotificationHealth = { delivered: number; failed: number; lastFailure: string | null };

export class NotificationCenter implements CommittedObserver {
  readonly health: NotificationHealth = { delivered: 0, failed: 0, lastFailure: null };
  private readonly feedLoss = new Map<string, { timer: TimerHandle | null; notified: boolean }>();
  private readonly inFlight = new Set<Promise<void>>();
  private digestTimer: TimerHandle | null = null;

  constructor(private readonly deps: NotificationCenterDeps) {}

  onCommitted(changes: readonly CommittedChange[]): void {
    for (const request of this.deps.policy.decide(changes, this.deps.windowState())) this.deliver(request);
    const dueAt = this.deps.policy.digestDueAt();
    if (dueAt !== null && this.digestTimer === null) {
      this.digestTimer = this.deps.clock.setTimeout(() => {
        this.digestTimer = null;
        const digest = this.deps.policy.takeDigest();
        if (digest) this.deliver(digest);
      }, Math.max(0, dueAt - this.deps.clock.now()));
    }
  }

  onFeedStatus(status: FeedStatus): void {
    const lost = status.state === 'disconnected' || status.state === 'stale';
    const tracked = this.feedLoss.get(status.feedId);
    if (lost && !tracked) {
      const entry = { timer: null as TimerHandle | null, notified: false };
      entry.timer = this.deps.clock.setTimeout(() => {
        entry.notified = true;
        this.deliver({ kind: 'feed-lost', title: `Feed lost: ${status.name}`, body: `No data from ${status.url}. Alerts from this feed are not reaching you.`, urgency: 'critical' });
      }, this.deps.settings().feedLossAfterMs);
      this.feedLoss.set(status.feedId, entry);
    } else if (!lost && tracked && status.state === 'live') {
      if (tracked.timer) this.deps.clock.clearTimeout(tracked.timer);
      this.feedLoss.delete(status.feedId);
      if (tracked.notified) this.deliver({ kind: 'feed-back', title: `Feed back: ${status.name}`, body: 'The feed is live again; missed alerts have been replayed.', urgency: 'normal' });
    }
  }

  /** Wait for every notification still showing (tests, and a graceful quit). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private deliver(request: NotificationRequest): void {
    const now = this.deps.clock.now();
    if (request.alert) this.deps.recordNotified(request.alert.feedId, request.alert.alertId, now);
    const done = this.deps.notifier
      .show(request)
      .then((outcome) => this.onOutcome(request, outcome))
      .catch((error: Error) => this.onOutcome(request, { kind: 'failed', reason: error.message }))
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async onOutcome(request: NotificationRequest, outcome: DeliveryOutcome): Promise<void> {
    if (outcome.kind === 'failed') {
      this.health.failed++;
      this.health.lastFailure = outcome.reason;
      this.deps.log(`notification "${request.title}" was not shown: ${outcome.reason}`);
      return;
    }
    this.health.delivered++;
    if (!request.alert) return;
    if (outcome.kind === 'acknowledge') {
      await this.deps.acknowledge(request.alert.feedId, request.alert.alertId).catch((error: Error) =>
        this.deps.log(`acknowledging from a notification failed: ${error.message}`),
      );
    } else if (outcome.kind === 'open') {
      this.deps.open(request.alert.feedId, request.alert.alertId);
    }
  }
}
