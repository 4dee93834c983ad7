/**
 * The escalation engine: it watches journaled events, keeps each alert's ladder in the
 * journal's database, and sends due steps through the channels, publishing each outcome on
 * the alert's timeline as a `commented` event by `escalation`.
 *
 * Exactly once: a row is marked `sending` (one UPDATE, committed) before its send and `sent`
 * after. A row found `sending` at start belongs to a run that stopped mid-send: it may have been
 * delivered, so it is marked `unknown` and reported, never resent. A failed send is retried with
 * backoff (`retryDelay`), each failure recorded on the row and on the timeline.
 */
import type { ChannelHealth } from './channel-health.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import type { ActionLinks } from './action-links.js';
import type { Channel, Settlement } from './channels/channel.js';
import type { EscalationPolicy } from './config.js';
import type { Directory, Presence } from './directory.js';
import {
  matchPolicy,
  MAX_ATTEMPTS,
  outcomeComment,
  planLadder,
  retryDelay,
  skipWhenDue,
  type ChannelName,
  type FiredEvent,
  type StepOutcome,
} from './ladder.js';
import type { EscalationStore, StepRow } from './store.js';
import type { StepGate } from './step-gate.js';

/** How soon a step whose claim could not reach the cluster's ledger is tried again. */
const LEDGER_RETRY_MS = 5_000;

/** A journaled event, as the journal's append hands them on. */
export type JournaledEvent = { seq: number; event: AlertEvent };

/** What the escalator is given. */
export type EscalatorDeps = {
  store: EscalationStore;
  directory: Directory;
  presence: Presence;
  channels: Partial<Record<ChannelName, Channel>>;
  links: ActionLinks;
  /** Journal and fan out an event (the timeline comments). */
  publish: (event: AlertEvent) => void;
  clock: Clock;
  log?: (message: string) => void;
  /** Told every send's outcome, by channel. */
  health?: Pick<ChannelHealth, 'record'>;
  /** In a cluster: only the leader sends, each step claimed in the shared ledger first. */
  gate?: StepGate;
  /** Whether the alert is acknowledged now: a re-fire of one (its severity raised) starts no ladder. */
  isAcknowledged?: (alertId: string) => boolean;
};

/** Counts of what the escalator did, for statistics. */
export type EscalatorStats = {
  laddersStarted: number;
  sent: number;
  failures: number;
  skipped: number;
  cancelled: number;
};

/** Starts, advances and stops escalation ladders. */
export class Escalator {
  readonly stats: EscalatorStats = { laddersStarted: 0, sent: 0, failures: 0, skipped: 0, cancelled: 0 };
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly settling = new Set<Promise<void>>();

  constructor(
    private readonly policies: readonly EscalationPolicy[],
    private readonly deps: EscalatorDeps,
  ) {}

  /** Report rows a previous run left mid-send, then send whatever is due and arm the timer. */
  start(): void {
    const cut = this.deps.store.recoverSending();
    // In a cluster the ledger knows whether such a send was claimed; whoever leads reports it.
    if (!this.deps.gate) for (const row of cut) this.report(row, { kind: 'unknown' });
    this.kick();
  }

  /** In a cluster: this gateway became leader (send what is due) or stopped being one. */
  leadershipChanged(leader: boolean): void {
    if (leader) this.kick();
  }

  /** Observe journaled events: a `fired` starts a ladder, `acknowledged` or `resolved` stops it. */
  onEvents(entries: readonly JournaledEvent[]): void {
    const { store } = this.deps;
    let changed = false;
    for (const { event } of entries) {
      if (event.kind === 'fired') {
        // A ladder runs once per incident: a re-fire while it runs or after an acknowledgement changes nothing.
        if (store.hasLadder(event.alertId) || this.deps.isAcknowledged?.(event.alertId)) continue;
        const policy = matchPolicy(this.policies, event);
        if (!policy) continue;
        const rows = planLadder(policy, event.at, this.deps.directory, this.deps.presence);
        store.startLadder(event, policy.name, rows);
        this.stats.laddersStarted++;
        changed = true;
      } else if (event.kind === 'acknowledged' || event.kind === 'resolved') {
        const cancelled = store.stopLadders(event.alertId, event.kind === 'acknowledged' ? 'stopped' : 'ended');
        this.stats.cancelled += cancelled;
        changed ||= cancelled > 0;
        this.settleSent(
          event.alertId,
          event.kind === 'resolved' ? { how: 'resolved' } : { how: 'acknowledged', by: event.by },
        );
      }
    }
    if (changed) this.kick();
  }

  /**
   * Someone's presence changed: a step with `atOnceWhenUnwatched` whose people are now all away
   * falls due at once, instead of waiting out its delay. (Retries keep their backoff: they are
   * rows already attempted.)
   */
  presenceChanged(): void {
    const { store, clock, presence } = this.deps;
    const now = clock.now();
    const groups = new Map<string, StepRow[]>();
    for (const row of store.upcoming(now)) {
      if (row.attempts > 0) continue;
      const step = this.policies.find((p) => p.name === row.policy)?.steps[row.step];
      if (!step?.atOnceWhenUnwatched) continue;
      const key = `${row.ladder_id}:${row.step}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const due = [...groups.values()]
      .filter((rows) => !rows.some((row) => presence.isWatched(row.person)))
      .flatMap((rows) => rows.map((row) => row.id));
    if (due.length === 0) return;
    store.bringForward(due, now);
    this.kick();
  }

  /** Stop the timer; a send under way finishes (and is recorded) first, and so does telling devices an alert settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all(this.settling);
  }

  /**
   * The alert was acknowledged or resolved: every person its latest ladder reached by a channel
   * that can take a message back (ntfy, Web Push) gets its notification replaced, once per person
   * and channel. Failures are logged: the alert is settled whether or not a phone hears of it.
   */
  private settleSent(alertId: string, settlement: Settlement): void {
    if (this.deps.gate && !this.deps.gate.isLeader()) return;
    const rows = this.deps.store.rows(alertId);
    const ladder = Math.max(-1, ...rows.map((row) => row.ladder_id));
    const told = new Set<string>();
    for (const row of rows) {
      const channel = this.deps.channels[row.channel];
      const key = `${row.person}:${row.channel}`;
      if (row.ladder_id !== ladder || row.state !== 'sent' || !channel?.settle || told.has(key)) continue;
      const person = this.deps.directory.person(row.person);
      const fired = this.safeFired(row);
      if (!person || !fired) continue;
      told.add(key);
      const notice = { person, fired, consoleUrl: this.deps.links.consoleUrl(alertId), ackUrl: '' };
      const done = channel
        .settle(notice, settlement)
        .then((result) => {
          if (!result.ok)
            this.deps.log?.(
              `escalation: telling ${person.name} by ${row.channel} that ${alertId} settled: ${result.message}`,
            );
        })
        .catch((error: unknown) => this.deps.log?.(`escalation: settling ${alertId}: ${errorMessage(error)}`))
        .finally(() => this.settling.delete(done));
      this.settling.add(done);
    }
  }

  /** Resolves when no send is under way (tests wait on it after moving the clock). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Send what is due now, then arm the timer for the next due row. */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .catch((error: unknown) => this.deps.log?.(`escalation: ${errorMessage(error)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.arm();
      });
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.deps.store.nextDueAt();
    if (next === this.timerAt && this.timer) return;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = next;
    if (next === null) return;
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = null;
        this.timerAt = null;
        this.kick();
      },
      Math.max(0, next - this.deps.clock.now()),
    );
  }

  private async sendDue(): Promise<void> {
    const { store, clock } = this.deps;
    if (this.deps.gate && !this.deps.gate.isLeader()) return;
    for (const row of store.due(clock.now())) {
      if (this.stopped) return;
      await this.sendRow(row);
    }
  }

  private async sendRow(row: StepRow): Promise<void> {
    const { store, clock, links, gate } = this.deps;
    const skip = this.skipReason(row);
    let attempts = row.attempts + 1;
    if (gate) {
      // Claimed here first, then in the cluster's ledger: one gateway sends, once.
      if (!store.claim(row.id)) return;
      const claim = await gate.claim(row, store.firedEvent(row.ladder_id), clock.now()).catch((error: unknown) => {
        // The ledger cannot be reached (NATS down): the row is tried again, and claimed again, later.
        store.adopt(row.id, { state: 'pending', attempts: row.attempts, dueAt: clock.now() + LEDGER_RETRY_MS, at: 0 });
        this.deps.log?.(`escalation: claiming step ${row.step} of ${row.alert_id}: ${errorMessage(error)}`);
        return null;
      });
      if (!claim) return;
      // Found mid-send, its sender gone: this gateway is the one that says so on the timeline.
      if (!claim.ok) return claim.unknown ? this.report(row, { kind: 'unknown' }) : undefined;
      attempts = claim.attempts;
    } else if (!skip && !store.claim(row.id)) return;
    const fired = store.firedEvent(row.ladder_id);
    if (skip) {
      this.settleRow(row, fired, { state: 'skipped', attempts, error: skip });
      this.stats.skipped++;
      this.report(row, { kind: 'skipped', why: skip });
      return;
    }
    const person = this.deps.directory.person(row.person)!;
    const now = clock.now();
    let result;
    try {
      result = await this.deps.channels[row.channel]!.send({
        person,
        fired,
        consoleUrl: links.consoleUrl(row.alert_id),
        ackUrl: links.url(links.sign(row.alert_id, row.person, now)),
      });
    } catch (error) {
      result = { ok: false as const, code: 'channel_threw', message: errorMessage(error) };
    }
    this.deps.health?.record(row.channel, result, clock.now());
    if (result.ok) {
      this.settleRow(row, fired, { state: 'sent', attempts });
      this.stats.sent++;
      this.report(row, { kind: 'sent', detail: result.value });
      return;
    }
    this.stats.failures++;
    if (!store.isActive(row.ladder_id)) {
      // Acknowledged or resolved while this send was failing: nothing left to retry for.
      this.settleRow(row, fired, { state: 'cancelled', attempts, error: result.message });
      this.report(row, { kind: 'failed', error: `${result.message} (not retried: the escalation has stopped)` });
    } else if (attempts >= MAX_ATTEMPTS) {
      this.settleRow(row, fired, { state: 'failed', attempts, error: result.message });
      this.report(row, { kind: 'failed', error: result.message });
    } else {
      const dueAt = clock.now() + retryDelay(attempts);
      this.settleRow(row, fired, { state: 'retrying', attempts, dueAt, error: result.message });
      this.report(row, { kind: 'retrying', error: result.message });
    }
  }

  /** Why a due row is not sent (its person, channel or policy is gone, or presence says so), or null. */
  private skipReason(row: StepRow): string | null {
    const policy = this.policies.find((p) => p.name === row.policy);
    if (!this.deps.directory.person(row.person)) return 'no longer in the directory';
    if (!this.deps.channels[row.channel]) return `no ${row.channel} channel configured`;
    if (!policy) return 'its policy is no longer configured';
    return skipWhenDue(policy, row.step, row.person, this.deps.presence) ?? null;
  }

  /** Store a row's outcome here and, in a cluster, in the shared ledger (a failure there is logged: the send happened). */
  private settleRow(
    row: StepRow,
    fired: FiredEvent,
    outcome: {
      state: 'sent' | 'failed' | 'retrying' | 'cancelled' | 'skipped';
      attempts: number;
      dueAt?: number;
      error?: string;
    },
  ): void {
    const { store, clock, gate } = this.deps;
    const at = clock.now();
    if (outcome.state === 'retrying') store.retryAt(row.id, outcome.dueAt!, outcome.error ?? '');
    else store.settle(row.id, outcome.state, at, outcome.error);
    gate
      ?.record(row, fired, { ...outcome, at })
      .catch((error: unknown) =>
        this.deps.log?.(
          `escalation: recording step ${row.step} of ${row.alert_id} in the cluster: ${errorMessage(error)}`,
        ),
      );
  }

  private report(row: StepRow, outcome: StepOutcome): void {
    const name = this.deps.directory.person(row.person)?.name ?? row.person;
    const fired = this.safeFired(row);
    const event: AlertEvent = {
      kind: 'commented',
      alertId: row.alert_id,
      source: fired?.source ?? 'escalation',
      at: this.deps.clock.now(),
      by: 'escalation',
      comment: outcomeComment(name, row.channel, outcome),
    };
    try {
      this.deps.publish(event);
    } catch (error) {
      // The row's state is already stored; a timeline comment that could not be journaled must not stop the ladder.
      this.deps.log?.(`escalation: could not publish "${event.comment}": ${errorMessage(error)}`);
    }
  }

  private safeFired(row: StepRow) {
    try {
      return this.deps.store.firedEvent(row.ladder_id);
    } catch {
      return undefined;
    }
  }
}
