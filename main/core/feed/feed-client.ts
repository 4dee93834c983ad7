/**
 * One console's link to one gateway: hello with the committed cursor, replay then live,
 * events committed in batches on the next turn of the event loop and acknowledged only after
 * the commit, heartbeats both ways, and full-jitter reconnects. Its status is what the
 * operator sees, so it never claims "live" without evidence.
 */
import type { FeedStatus } from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { decodeFrame } from '../../../common/protocol/decode.js';
import { PROTOCOL_VERSION, ServerFrameSchema, type ClientFrame, type ServerFrame } from '../../../common/protocol/frames.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import type { AlertState } from '../../../common/protocol/alert.js';
import type { AlertRow } from '../../../common/api/contract.js';
import type { CommittedChange } from '../pipeline/observer.js';
import type { AlertStore, ReceivedEvent } from '../store/alert-store.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff.js';
import type { FeedSocket, SocketFactory } from './feed-socket.js';
import { AckThrottle } from './ack-throttle.js';
import { failure, PendingActions, type ActionResult } from './pending-actions.js';
import { BatchCommitter } from '../pipeline/batch-committer.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { RefusalLog } from './refusal-log.js';

export type FeedProfile = { id: string; name: string; url: string; token: string; ca?: string; pin?: string; embedded?: boolean };
type ActionFrame = Extract<ClientFrame, { type: 'action' }>;

export type FeedClientDeps = {
  clock: Clock;
  connect: SocketFactory;
  random: () => number;
  store: AlertStore;
  onCommitted(changes: CommittedChange[]): void;
  onSnapshot(rows: AlertRow[]): void;
  onMetrics(samples: MetricSample[]): void;
  onStatus(status: FeedStatus): void;
  log(message: string): void;
  backoff?: BackoffPolicy;
  /** Until the gateway's welcome says otherwise. */
  heartbeatMs?: number;
  clientVersion?: string;
  /** Uncommitted events held while the history cannot be written; past this the link is dropped. */
  maxUncommitted?: number;
};


export class FeedClient {
  private socket: FeedSocket | null = null;
  private status: FeedStatus;
  private heartbeatMs: number;
  private lastHeard = 0;
  private liveSince: number | null = null;
  private attempt = 0;
  /** When the live link that began this run of reconnect attempts was lost (see backoff.ts). */
  private lostLiveAt: number | null = null;
  private replaying = false;
  /** The last seq accepted on this connection: the next event must be exactly this + 1. */
  private lastAccepted = 0;
  private outOfSequence = 0;
  private readonly committer: BatchCommitter;
  private readonly acks: AckThrottle;
  /** The snapshot being received: the union of every snapshot frame with this seq, applied at the gap. */
  private snapshot: { seq: number; alerts: AlertState[] } | null = null;
  private readonly actions: PendingActions;
  private heartbeatTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private stopped = false;
  /** The gateway's seqs started again (see journalChanged): ignore this connection, reconnect at once. */
  private restarting = false;
  /** Whether this connection's gateway has said welcome: nothing else it sends is accepted before. */
  private welcomed = false;
  private readonly refusals: RefusalLog;

  constructor(private readonly profile: FeedProfile, private readonly deps: FeedClientDeps) {
    this.heartbeatMs = deps.heartbeatMs ?? 10_000;
    this.actions = new PendingActions(deps.clock);
    this.refusals = new RefusalLog(deps.clock, deps.log, `feed ${profile.name}`);
    this.acks = new AckThrottle(deps.clock, (seq) => this.send({ type: 'ack', stream: 'alerts', seq }));
    this.committer = new BatchCommitter({
      feedId: profile.id, store: deps.store, clock: deps.clock, random: deps.random, ...(deps.backoff ? { backoff: deps.backoff } : {}),
      replaying: () => this.replaying,
      committed: (lastSeq, changes) => {
        this.acks.committed(lastSeq);
        this.status.lastSeq = Math.max(this.status.lastSeq, lastSeq);
        if (changes.length) this.deps.onCommitted(changes);
      },
      // While the history cannot be written no alert reaches the console: never show that as live.
      blocked: (message) => {
        this.deps.log(`feed ${this.profile.name}: ${message ?? 'the alert history is writable again'}`);
        this.setStatus(message ? { state: 'stale', lastError: message } : { state: this.replaying ? 'resyncing' : 'live', lastError: null });
      },
    });
    this.status = {
      feedId: profile.id, name: profile.name, url: profile.url, embedded: profile.embedded ?? false,
      state: 'connecting', since: deps.clock.now(), nextRetryAt: null, lastSeq: deps.store.cursor(profile.id), lastError: null, rejected: {},
    };
  }

  /** The link's current status. */
  currentStatus(): FeedStatus {
    return this.status;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.committer.discard(); // not committed, so not acked: the gateway replays them on the next start
    this.clearTimers();
    this.refusals.flush();
    this.socket?.close(1000, 'console closing');
    this.socket = null;
  }

  /** Send an action and wait for its result (answers `unavailable`-style failures itself). */
  sendAction(frame: ActionFrame): Promise<ActionResult> {
    if (this.status.state !== 'live' && this.status.state !== 'stale' && this.status.state !== 'resyncing') {
      return Promise.resolve(failure(frame.id, `feed ${this.profile.name} is ${this.status.state}`));
    }
    return this.actions.wait(frame.id, () => this.send(frame));
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus({ state: 'connecting', nextRetryAt: null });
    const { url, token, ca, pin } = this.profile;
    const socket = this.deps.connect({ url, token, ...(ca ? { ca } : {}), ...(pin ? { pin } : {}) });
    this.socket = socket;
    socket.on('open', () => {
      this.restarting = false;
      this.welcomed = false;
      this.lastHeard = this.deps.clock.now();
      this.lastAccepted = this.deps.store.cursor(this.profile.id);
      this.outOfSequence = 0;
      this.snapshot = null;
      this.deps.log(`feed ${this.profile.name}: connected to ${url}; resuming after seq ${this.lastAccepted}`);
      this.send({ type: 'hello', v: PROTOCOL_VERSION, client: { name: 'tocsin-console', version: this.deps.clientVersion ?? '0.1.0' }, resume: { alerts: this.lastAccepted } });
      this.scheduleHeartbeat();
    });
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket) this.guard(() => this.onText(isBinary ? '' : data.toString()));
    });
    socket.on('error', (error) => {
      if (socket === this.socket) this.setStatus({ lastError: error.message });
    });
    socket.on('close', (code, reason) => {
      if (socket === this.socket) this.onClosed(code, reason.toString());
    });
  }

  /**
   * The one boundary around everything a gateway's frame can reach: an error nobody expected is
   * counted, logged, and the link dropped to resume from the committed cursor. The core lives on.
   */
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.refuse('internal_error', `handling a frame failed: ${errorMessage(error)}; reconnecting`);
      this.socket?.terminate();
    }
  }

  /** Count a refused frame in the status and log it (rate-limited). */
  private refuse(reason: string, detail: string): void {
    this.status.rejected[reason] = (this.status.rejected[reason] ?? 0) + 1;
    this.refusals.note(reason, detail);
  }

  private onText(text: string): void {
    if (this.restarting) return;
    this.lastHeard = this.deps.clock.now();
    if (this.status.state === 'stale' && !this.committer.isBlocked) this.setStatus({ state: this.replaying ? 'resyncing' : 'live' });
    const decoded = decodeFrame(text, ServerFrameSchema);
    // Counted, logged with its reason, skipped: one bad frame never stops the stream.
    if (!decoded.ok) return this.refuse(decoded.code, decoded.message);
    const frame = decoded.value;
    // Until the gateway has said who it is and where its journal stands, nothing it sends is history.
    if (!this.welcomed && frame.type !== 'welcome' && frame.type !== 'error') return this.refuse('before_welcome', `${frame.type} before welcome`);
    this.onFrame(frame);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        if (this.welcomed) return this.refuse('duplicate_welcome', 'welcome sent twice on one connection');
        this.welcomed = true;
        // The gateway's interval governs from now on: restart the heartbeat check with it.
        this.heartbeatMs = frame.heartbeatMs;
        if (this.heartbeatTimer) this.deps.clock.clearTimeout(this.heartbeatTimer);
        this.scheduleHeartbeat();
        if (this.journalChanged(frame.streams.alerts)) return;
        this.replaying = frame.streams.alerts.last > this.deps.store.cursor(this.profile.id);
        this.setStatus({ state: this.replaying ? 'resyncing' : 'connecting', lastError: null });
        return;
      case 'event':
        return this.acceptEvent(frame.seq, frame.event);
      case 'snapshot':
        // A large snapshot spans several frames with the same seq: collect them all until the gap.
        if (this.snapshot?.seq === frame.seq) for (const alert of frame.alerts) this.snapshot.alerts.push(alert);
        else this.snapshot = { seq: frame.seq, alerts: [...frame.alerts] };
        return;
      case 'gap':
        this.committer.flush();
        if (this.snapshot && !this.applySnapshot(this.snapshot, frame)) return;
        this.snapshot = null;
        this.lastAccepted = Math.max(this.lastAccepted, frame.to);
        this.deps.log(`feed ${this.profile.name}: events ${frame.from}-${frame.to} are outside the gateway's replay window; applied its snapshot`);
        return;
      case 'live':
        this.committer.flush();
        this.replaying = false;
        this.liveSince = this.deps.clock.now();
        return this.setStatus({ state: this.committer.isBlocked ? 'stale' : 'live' });
      case 'metrics':
        return this.deps.onMetrics(frame.samples);
      case 'action_result':
        return this.actions.settle(frame);
      case 'ping':
        return this.send({ type: 'pong', t: frame.t });
      case 'pong':
        return;
      case 'error':
        this.deps.log(`feed ${this.profile.name}: gateway reported ${frame.code}: ${frame.message}`);
        return;
    }
  }

  /**
   * Events must arrive in order with no holes (the gateway says "gap" out loud when there is one).
   * A repeat is ignored; a jump is refused and counted, so the cursor can never pass an event
   * the console did not receive. Many jumps in a row mean the link is confused: resync from the cursor.
   */
  private acceptEvent(seq: number, event: ReceivedEvent['event']): void {
    if (seq === this.lastAccepted + 1) {
      this.lastAccepted = seq;
      this.outOfSequence = 0;
      this.committer.add({ seq, event });
      if (this.committer.isBlocked && this.committer.held > (this.deps.maxUncommitted ?? 50_000)) {
        // Memory stays bounded: let the gateway keep the rest, and resume from the cursor later.
        this.deps.log(`feed ${this.profile.name}: ${this.committer.held} events wait for the history; dropping the link until it can be written`);
        this.socket?.terminate();
      }
      return;
    }
    const reason = seq <= this.lastAccepted ? 'duplicate_seq' : 'out_of_sequence';
    this.status.rejected[reason] = (this.status.rejected[reason] ?? 0) + 1;
    if (reason === 'out_of_sequence' && ++this.outOfSequence >= 50) {
      this.deps.log(`feed ${this.profile.name}: events keep arriving out of sequence (expected ${this.lastAccepted + 1}, got ${seq}); resyncing`);
      this.socket?.terminate();
    }
  }

  /**
   * Did the gateway's seqs start again? Its journal names itself, and a different name than the
   * one this feed's history came from means a deleted, replaced or restored journal; so does a
   * journal that ends before this console's cursor (a gateway that names no journal). Its new
   * events would otherwise reuse seqs this console has, and be ignored as repeats. Then the
   * history keeps what it has, stores the new seqs after it, and the console says hello again
   * from the new journal's start.
   */
  private journalChanged({ last, journalId }: { last: number; journalId?: string | undefined }): boolean {
    const { store } = this.deps;
    const feedId = this.profile.id;
    const known = store.journalOf(feedId);
    const cursor = store.cursor(feedId);
    const replaced = journalId !== undefined && known !== null && known !== journalId;
    if (!replaced && last >= cursor) {
      if (journalId !== undefined && known === null) store.setJournal(feedId, journalId);
      return false;
    }
    const why = replaced
      ? `the gateway's journal changed (was ${known}, now ${journalId})`
      : `the gateway's journal ends at seq ${last}, before this console's ${cursor} (deleted or restored from a backup)`;
    this.deps.log(`feed ${this.profile.name}: ${why}: its seqs started again; the history keeps everything so far and takes the new journal from its start`);
    this.committer.discard();
    store.restartSeqs(feedId, journalId ?? null);
    this.restarting = true;
    this.status.lastError = why;
    this.status.lastSeq = 0;
    this.socket?.close(1000, 'journal changed: resuming from its start');
    return true;
  }

  /** Apply a snapshot after a gap; false (and the link dropped to resume later) if the history cannot take it. */
  private applySnapshot(snapshot: { alerts: AlertState[] }, gap: { from: number; to: number }): boolean {
    if (this.committer.isBlocked) {
      this.socket?.terminate();
      return false;
    }
    try {
      this.deps.onSnapshot(this.deps.store.applySnapshot(this.profile.id, snapshot.alerts, gap, this.deps.clock.now()));
      return true;
    } catch (error) {
      const message = `cannot write the alert history: ${(error as Error).message}; will resume`;
      this.deps.log(`feed ${this.profile.name}: ${message}`);
      this.setStatus({ lastError: message });
      this.socket?.terminate();
      return false;
    }
  }

  /** Heartbeat: ping, mark stale after 1.5 missed intervals, dead after two. */
  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.deps.clock.setTimeout(() => {
      const silent = this.deps.clock.now() - this.lastHeard;
      if (silent > 2 * this.heartbeatMs) {
        this.deps.log(`feed ${this.profile.name}: no frame for ${silent} ms (two heartbeats): reconnecting`);
        this.setStatus({ lastError: `no heartbeat for ${Math.round(silent / 1000)} s` });
        this.socket?.terminate();
        return;
      }
      if (silent > 1.5 * this.heartbeatMs && this.status.state !== 'stale') this.setStatus({ state: 'stale' });
      this.send({ type: 'ping', t: this.deps.clock.now() });
      this.scheduleHeartbeat();
    }, Math.max(50, Math.floor(this.heartbeatMs / 4)));
  }

  private onClosed(code: number, reason: string): void {
    this.socket = null;
    this.clearTimers();
    this.committer.discard(); // uncommitted and unacked: the gateway replays them
    this.actions.failAll('the feed disconnected before answering');
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const policy = this.deps.backoff ?? DEFAULT_BACKOFF;
    if (this.liveSince !== null) {
      if (now - this.liveSince >= policy.stableAfterMs) this.attempt = 0;
      // A live link lost after a stable run: the start of what may be every console's reconnect.
      this.lostLiveAt = this.attempt === 0 ? now : null;
    }
    this.liveSince = null;
    // After a journal change the console closed the link itself, to say hello again: at once.
    const delay = this.restarting ? 0 : reconnectDelay(policy, this.attempt++, this.lostLiveAt, now, this.deps.random());
    const detail = code === 1006 ? 'connection lost' : `closed ${code}${reason ? `: ${reason}` : ''}`;
    this.refusals.flush();
    this.deps.log(`feed ${this.profile.name}: ${detail}${this.status.lastError ? ` (${this.status.lastError})` : ''}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    this.setStatus({ state: 'disconnected', nextRetryAt: now + delay, lastError: this.status.lastError ?? detail });
    this.retryTimer = this.deps.clock.setTimeout(() => this.connect(), delay);
  }

  private send(frame: ClientFrame): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch (error) {
      this.deps.log(`feed ${this.profile.name}: send failed: ${(error as Error).message}`);
    }
  }

  private setStatus(change: Partial<FeedStatus>): void {
    const stateChanged = change.state !== undefined && change.state !== this.status.state;
    this.status = { ...this.status, ...change, ...(stateChanged ? { since: this.deps.clock.now() } : {}) };
    if (change.state === 'live' || change.state === 'resyncing') this.status.lastError = null;
    this.deps.onStatus(this.status);
  }

  private clearTimers(): void {
    if (this.heartbeatTimer) this.deps.clock.clearTimeout(this.heartbeatTimer);
    if (this.retryTimer) this.deps.clock.clearTimeout(this.retryTimer);
    this.heartbeatTimer = this.retryTimer = null;
    this.acks.reset();
  }
}
