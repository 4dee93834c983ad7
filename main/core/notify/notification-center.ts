/**
 * Turns committed changes into native notifications: asks the policy, delivers through the
 * platform's notifier, records each notification on its alerts' timelines, and turns the
 * user's choice into an action: Acknowledge travels to the gateway over the feed's socket
 * (through the injected `acknowledge`), Open brings the window up on that alert. A feed lost
 * for longer than the threshold is a notification, and so is its return. Delivery health is
 * kept so that a broken notification path shows in the UI instead of failing silently.
 */
import type { FeedStatus } from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { WindowState } from '../../../common/window-state.js';
import type { CommittedChange, CommittedObserver } from '../pipeline/observer.js';
import type { NotificationHealth } from '../../../common/notify/health.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { NotificationPolicy } from './policy.js';
import type { AlertRef, DeliveryOutcome, NotificationRequest, Notifier } from './request.js';
import type { NotificationSettings } from '../../../common/notify/settings.js';
import type { Severity } from '../../../common/protocol/alert.js';
import { SoundPlayer } from './sound/sound-player.js';

export type { NotificationHealth } from '../../../common/notify/health.js';

/** What the notification center needs; the console core's composition root provides it. */
export type NotificationCenterDeps = {
  policy: NotificationPolicy;
  notifier: Notifier;
  clock: Clock;
  settings: () => NotificationSettings;
  windowState: () => WindowState;
  /** Acknowledge through the console's action path, so the ack reaches the gateway. */
  acknowledge(feedId: string, alertId: string): Promise<unknown>;
  /** Show the window on this alert (a notification's Open, or a click on it). */
  open(feedId: string, alertId: string): void;
  /** Show the window: on exactly a digest's alerts (Open on a digest), or as it is (a feed notification). */
  showConsole?(alerts: readonly AlertRef[]): void;
  /** Open an https URL outside the console (the runbook action), through the shell's allowlist. */
  openExternal?(url: string): void;
  /** Add "notified" to the alert's timeline. */
  recordNotified(feedId: string, alertId: string, at: number): void;
  log(message: string): void;
  /** off: the policy still decides and counts, nothing is shown (a headless console); native by default. */
  mode?: 'native' | 'off';
  /** Plays Tocsin's own sounds (the `tocsin` sound setting); the platform's player by default. */
  sounds?: Pick<SoundPlayer, 'play'>;
};

/** Feed states in which no alerts arrive. */
const LOST_STATES: ReadonlySet<FeedStatus['state']> = new Set(['connecting', 'stale', 'disconnected']);

/** The console's native notifications (one per console, for all feeds). */
export class NotificationCenter implements CommittedObserver {
  private readonly feedLoss = new Map<string, { timer: TimerHandle | null; notified: boolean; status: FeedStatus }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly healthListeners = new Set<(health: NotificationHealth) => void>();
  private readonly delivery: Omit<NotificationHealth, 'suppressed'>;
  private digestTimer: TimerHandle | null = null;
  private closed = false;
  private readonly sounds: Pick<SoundPlayer, 'play'>;

  constructor(private readonly deps: NotificationCenterDeps) {
    this.sounds = deps.sounds ?? new SoundPlayer({ platform: process.platform });
    this.delivery = {
      mode: deps.mode ?? 'native',
      state: 'idle',
      shown: 0,
      failed: 0,
      lastShownAt: null,
      lastFailure: null,
      warning: null,
      soundProblem: null,
    };
  }

  /** Delivery health, with the policy's suppression counts. */
  health(): NotificationHealth {
    return {
      ...this.delivery,
      suppressed: { ...this.deps.policy.suppressed },
      breakthroughs: this.deps.policy.breakthroughs,
    };
  }

  /** Called after every delivery (shown or failed) and every decision (suppression counts); returns the unsubscribe function. */
  onHealth(listener: (health: NotificationHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  onCommitted(changes: readonly CommittedChange[]): void {
    if (this.closed) return;
    for (const request of this.deps.policy.decide(changes, this.deps.windowState())) this.deliver(request);
    this.withdrawSettled(changes);
    this.scheduleDigest();
    this.emitHealth(); // the suppression counts moved
  }

  /** An alert acknowledged (from any console, link or source) or resolved: its own notification leaves the screen. */
  private withdrawSettled(changes: readonly CommittedChange[]): void {
    const withdraw = this.deps.notifier.withdraw?.bind(this.deps.notifier);
    if (!withdraw) return;
    for (const { feedId, event, replayed } of changes) {
      if (replayed || (event.kind !== 'acknowledged' && event.kind !== 'resolved')) continue;
      const done = withdraw({ feedId, alertId: event.alertId })
        .then(() => undefined)
        .catch((error: Error) =>
          this.deps.log(`withdrawing ${feedId}/${event.alertId}'s notification failed: ${error.message}`),
        )
        .finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }
  }

  /** A snapshot is state, not news: nothing happened that the operator should be told of. */
  onSnapshot(): void {}

  onFeedStatus(status: FeedStatus): void {
    if (this.closed) return;
    const entry = this.feedLoss.get(status.feedId);
    if (LOST_STATES.has(status.state)) {
      if (entry) entry.status = status;
      else this.watchLoss(status);
      return;
    }
    if (!entry || (status.state === 'resyncing' && entry.notified)) return;
    if (entry.timer) this.deps.clock.clearTimeout(entry.timer);
    this.feedLoss.delete(status.feedId);
    if (entry.notified) this.deliverIf(this.deps.policy.feedBack(status, this.deps.windowState()));
  }

  /** Wait for every notification still showing (tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stop: no more notifications; the notifier stops waiting for answers (a graceful quit). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.digestTimer) this.deps.clock.clearTimeout(this.digestTimer);
    for (const entry of this.feedLoss.values()) if (entry.timer) this.deps.clock.clearTimeout(entry.timer);
    this.feedLoss.clear();
    await this.deps.notifier.close?.();
    await this.settle();
  }

  private watchLoss(status: FeedStatus): void {
    const entry = { timer: null as TimerHandle | null, notified: false, status };
    entry.timer = this.deps.clock.setTimeout(() => {
      entry.timer = null;
      const request = this.deps.policy.feedLost(entry.status, this.deps.windowState());
      entry.notified = request !== null;
      this.deliverIf(request);
    }, this.deps.settings().feedLossAfterMs);
    this.feedLoss.set(status.feedId, entry);
  }

  /** Show the gathered digest when it is due; if the cap holds it back, try again when it allows. */
  private scheduleDigest(): void {
    const dueAt = this.deps.policy.digestDueAt();
    if (dueAt === null || this.digestTimer !== null || this.closed) return;
    this.digestTimer = this.deps.clock.setTimeout(
      () => {
        this.digestTimer = null;
        this.deliverIf(this.deps.policy.takeDigest());
        this.scheduleDigest();
      },
      Math.max(0, dueAt - this.deps.clock.now()),
    );
  }

  private deliverIf(request: NotificationRequest | null): void {
    if (request) this.deliver(request);
  }

  private deliver(request: NotificationRequest): void {
    if (this.delivery.mode === 'off') return;
    if (request.tocsinSound) this.play(request.tocsinSound);
    let recorded = false;
    const shown = (warning?: string) => {
      if (recorded) return;
      recorded = true;
      const at = this.deps.clock.now();
      Object.assign(this.delivery, {
        state: 'ok',
        shown: this.delivery.shown + 1,
        lastShownAt: at,
        warning: warning ?? null,
      });
      for (const ref of request.covers ?? [])
        this.safely(() => this.deps.recordNotified(ref.feedId, ref.alertId, at), 'recording a notification');
      this.emitHealth();
    };
    const done = this.deps.notifier
      .show(request, { shown: (detail) => shown(detail?.warning) })
      .catch((error: Error): DeliveryOutcome => ({ kind: 'failed', reason: error.message }))
      .then((outcome) => {
        if (outcome.kind !== 'failed') shown();
        return this.onOutcome(request, outcome);
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async onOutcome(request: NotificationRequest, outcome: DeliveryOutcome): Promise<void> {
    if (outcome.kind === 'failed') {
      Object.assign(this.delivery, {
        state: 'failing',
        failed: this.delivery.failed + 1,
        lastFailure: { at: this.deps.clock.now(), reason: outcome.reason },
      });
      this.deps.log(`notification "${request.title}" was not shown: ${outcome.reason}`);
      this.emitHealth();
      return;
    }
    if (outcome.kind === 'acknowledge' && request.acknowledges?.length) {
      // Each acknowledgement goes through the console's action path: attributed and journaled.
      for (const { feedId, alertId } of request.acknowledges)
        await this.deps
          .acknowledge(feedId, alertId)
          .catch((error: unknown) =>
            this.deps.log(`acknowledging ${feedId}/${alertId} from a notification failed: ${errorMessage(error)}`),
          );
    } else if (outcome.kind === 'runbook' && request.runbook) {
      const runbook = request.runbook;
      this.safely(() => this.deps.openExternal?.(runbook), 'opening a runbook');
    } else if (outcome.kind === 'open') {
      if (request.alert)
        this.safely(() => this.deps.open(request.alert!.feedId, request.alert!.alertId), 'opening an alert');
      else this.safely(() => this.deps.showConsole?.(request.covers ?? []), 'showing the console');
    }
  }

  /** Play a sound beside the notification; a sound that cannot be played is a warning in the health. */
  private play(severity: Severity): void {
    const played = this.sounds
      .play(severity)
      .catch((error: Error) => ({ ok: false as const, code: 'threw', message: error.message }))
      .then((result) => {
        const problem = result.ok ? null : `sounds are not played: ${result.message}`;
        if (problem !== this.delivery.soundProblem) {
          this.delivery.soundProblem = problem;
          if (problem) this.deps.log(problem);
          this.emitHealth();
        }
      })
      .finally(() => this.inFlight.delete(played));
    this.inFlight.add(played);
  }

  private emitHealth(): void {
    const health = this.health();
    for (const listener of this.healthListeners) this.safely(() => listener(health), 'reporting notification health');
  }

  private safely(run: () => void, what: string): void {
    try {
      run();
    } catch (error) {
      this.deps.log(`${what} failed: ${errorMessage(error)}`);
    }
  }
}
