/**
 * One console's link to one gateway: hello with the committed cursor, the welcome check,
 * heartbeats both ways, full-jitter reconnects, decoding and counting refused frames, and
 * actions. It stores nothing: every history frame goes to its sink (the pipeline's ingest)
 * through the port in link-port.ts, which acknowledges through the link only after the commit.
 * Its status is what the operator sees, so it never claims "live" without evidence.
 */
import type { FeedStatus } from '../../../common/api/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { decodeFrame } from '../../../common/protocol/decode.js';
import {
  PROTOCOL_VERSION,
  ServerFrameSchema,
  type ClientFrame,
  type PresenceState,
  type ServerFrame,
} from '../../../common/protocol/frames.js';
import type { MetricSample } from '../../../common/protocol/metrics.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff.js';
import type { FeedSocket, SocketFactory } from './feed-socket.js';
import { AckThrottle } from './ack-throttle.js';
import { failure, PendingActions, type ActionResult } from './pending-actions.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { RefusalLog } from './refusal-log.js';
import type { FeedSink, LinkControl } from './link-port.js';

/** One configured feed: which gateway, and how to reach and trust it. */
export type FeedProfile = {
  id: string;
  name: string;
  url: string;
  token: string;
  ca?: string;
  pin?: string;
  embedded?: boolean;
};
type ActionFrame = Extract<ClientFrame, { type: 'action' }>;

/** What a link needs; the console core's composition root provides it. */
export type FeedClientDeps = {
  clock: Clock;
  connect: SocketFactory;
  random: () => number;
  /** Builds the sink that takes this link's history, handing it the link's control. */
  sink(link: LinkControl): FeedSink;
  onMetrics(samples: MetricSample[]): void;
  onStatus(status: FeedStatus): void;
  log(message: string): void;
  backoff?: BackoffPolicy;
  /** Until the gateway's welcome says otherwise. */
  heartbeatMs?: number;
  /** Whether anyone can see the console now; sent after welcome and on `presenceChanged`. None: never sent. */
  presence?: () => PresenceState;
  clientVersion?: string;
};

/** One feed's link to its gateway. */
export class FeedClient {
  private socket: FeedSocket | null = null;
  private status: FeedStatus;
  private heartbeatMs: number;
  private lastHeard = 0;
  private liveSince: number | null = null;
  private attempt = 0;
  /** When the live link that began this run of reconnect attempts was lost (see backoff.ts). */
  private lostLiveAt: number | null = null;
  private readonly sink: FeedSink;
  private readonly acks: AckThrottle;
  private readonly actions: PendingActions;
  private heartbeatTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private stopped = false;
  /** The gateway's seqs started again (the sink's welcome answer): ignore this connection, reconnect at once. */
  private restarting = false;
  /** Whether this connection's gateway has said welcome: nothing else it sends is accepted before. */
  private welcomed = false;
  /** The presence this connection's gateway was last told (null: nothing yet). */
  private sentPresence: PresenceState | null = null;
  private readonly refusals: RefusalLog;

  constructor(
    private readonly profile: FeedProfile,
    private readonly deps: FeedClientDeps,
  ) {
    this.heartbeatMs = deps.heartbeatMs ?? 10_000;
    this.actions = new PendingActions(deps.clock);
    this.refusals = new RefusalLog(deps.clock, deps.log, `feed ${profile.name}`);
    this.acks = new AckThrottle(deps.clock, (seq) => this.send({ type: 'ack', stream: 'alerts', seq }));
    this.sink = deps.sink(this.control());
    this.status = {
      feedId: profile.id,
      name: profile.name,
      url: profile.url,
      embedded: profile.embedded ?? false,
      state: 'connecting',
      since: deps.clock.now(),
      nextRetryAt: null,
      lastSeq: this.sink.cursor(),
      lastError: null,
      rejected: {},
    };
  }

  /** The link's current status. */
  currentStatus(): FeedStatus {
    return this.status;
  }

  /** Connect, and keep connecting until stopped. */
  start(): void {
    this.connect();
  }

  /** Close the link for good; what is not committed is left to the gateway. */
  stop(): void {
    this.stopped = true;
    this.sink.discard(); // not committed, so not acked: the gateway replays them on the next start
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

  /** The console's presence may have changed: tell the gateway, if it has welcomed us and it did. */
  presenceChanged(): void {
    if (!this.welcomed || this.restarting || !this.socket || !this.deps.presence) return;
    const state = this.deps.presence();
    if (state === this.sentPresence) return;
    this.sentPresence = state;
    this.send({ type: 'presence', state });
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
      this.sentPresence = null;
      this.lastHeard = this.deps.clock.now();
      const resume = this.sink.open();
      this.deps.log(`feed ${this.profile.name}: connected to ${url}; resuming after seq ${resume}`);
      this.send({
        type: 'hello',
        v: PROTOCOL_VERSION,
        client: { name: 'tocsin-console', version: this.deps.clientVersion ?? '0.1.0' },
        resume: { alerts: resume },
      });
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
    if (this.status.state === 'stale' && !this.sink.blocked)
      this.setStatus({ state: this.sink.replaying ? 'resyncing' : 'live' });
    const decoded = decodeFrame(text, ServerFrameSchema);
    // Counted, logged with its reason, skipped: one bad frame never stops the stream.
    if (!decoded.ok) return this.refuse(decoded.code, decoded.message);
    const frame = decoded.value;
    // Until the gateway has said who it is and where its journal stands, nothing it sends is history.
    if (!this.welcomed && frame.type !== 'welcome' && frame.type !== 'error')
      return this.refuse('before_welcome', `${frame.type} before welcome`);
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
        this.welcome(frame.streams.alerts);
        // Never before welcome: a gateway that does not know the frame would only count it.
        return this.presenceChanged();
      case 'event':
        return this.sink.event(frame.seq, frame.event);
      case 'snapshot':
        return this.sink.snapshot(frame.seq, frame.alerts);
      case 'gap':
        return this.sink.gap(frame);
      case 'live':
        this.sink.live();
        this.liveSince = this.deps.clock.now();
        return this.setStatus({ state: this.sink.blocked ? 'stale' : 'live' });
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

  /** The sink decides from the gateway's journal whether to replay, or to start its seqs again. */
  private welcome(alerts: { last: number; journalId?: string | undefined }): void {
    const answer = this.sink.welcome(alerts);
    if ('restart' in answer) {
      // The sink took the new journal from its start: ignore this connection, say hello again at once.
      this.restarting = true;
      this.status.lastError = answer.restart;
      this.status.lastSeq = 0;
      this.socket?.close(1000, 'journal changed: resuming from its start');
      return;
    }
    this.setStatus({ state: answer.replaying ? 'resyncing' : 'connecting', lastError: null });
  }

  /** What the sink may do to this link: acknowledge, count, drop, and show that it is blocked. */
  private control(): LinkControl {
    return {
      committed: (seq) => {
        this.acks.committed(seq);
        this.status.lastSeq = Math.max(this.status.lastSeq, seq);
      },
      refused: (reason) => {
        this.status.rejected[reason] = (this.status.rejected[reason] ?? 0) + 1;
      },
      drop: (lastError) => {
        if (lastError !== undefined) this.setStatus({ lastError });
        this.socket?.terminate();
      },
      // While the history cannot be written no alert reaches the console: never show that as live.
      blocked: (message) => {
        this.deps.log(`feed ${this.profile.name}: ${message ?? 'the alert history is writable again'}`);
        this.setStatus(
          message
            ? { state: 'stale', lastError: message }
            : { state: this.sink.replaying ? 'resyncing' : 'live', lastError: null },
        );
      },
    };
  }

  /** Heartbeat: ping, mark stale after 1.5 missed intervals, dead after two. */
  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.deps.clock.setTimeout(
      () => {
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
      },
      Math.max(50, Math.floor(this.heartbeatMs / 4)),
    );
  }

  private onClosed(code: number, reason: string): void {
    this.socket = null;
    this.clearTimers();
    this.sink.discard(); // uncommitted and unacked: the gateway replays them
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
    const delay = this.restarting
      ? 0
      : reconnectDelay(policy, this.attempt++, this.lostLiveAt, now, this.deps.random());
    const detail = code === 1006 ? 'connection lost' : `closed ${code}${reason ? `: ${reason}` : ''}`;
    this.refusals.flush();
    this.deps.log(
      `feed ${this.profile.name}: ${detail}${this.status.lastError ? ` (${this.status.lastError})` : ''}; reconnecting in ${(delay / 1000).toFixed(1)} s`,
    );
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
