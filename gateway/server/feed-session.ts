/**
 * One console's connection to the gateway: hello → welcome → (replay | snapshot + gap) → live.
 * The journal is the send buffer: the session only remembers the last seq it sent, and pumps
 * from the journal while the socket drains, so a slow console costs no gateway memory. A
 * console that stops reading is closed (4002) and resumes later from its committed seq.
 */
import type { WebSocket } from 'ws';
import { CloseCode, ClientFrameSchema, PROTOCOL_VERSION, type ClientFrame, type ServerFrame } from '../../main/core/protocol/frames.js';
import { decodeFrame } from '../../main/core/protocol/decode.js';
import type { MetricSample } from '../../main/core/protocol/metrics.js';
import type { Clock, TimerHandle } from '../../main/core/clock.js';
import type { Journal } from '../journal/journal.js';
import type { GatewayStats } from './stats.js';

export type SessionLimits = {
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** Pause sending while this many bytes wait in the socket. */
  softBufferBytes: number;
  /** Close a console whose socket has not drained for this long. */
  stallTimeoutMs: number;
  /** Frames per second a console may send (token bucket of twice this size). */
  maxFramesPerSecond: number;
  /** Invalid frames tolerated before the connection is closed (1008). */
  maxInvalidFrames: number;
};

export type ActionHandler = (frame: Extract<ClientFrame, { type: 'action' }>) => Promise<ServerFrame>;

const REPLAY_CHUNK = 500;
/** How soon a pump held back by a full send buffer tries again. */
const DRAIN_RETRY_MS = 10;

export class FeedSession {
  private helloed = false;
  private live = false;
  private announcedLive = false;
  private sentSeq = 0;
  /** The console's cumulative ack: everything up to here is committed on its side. */
  ackedSeq = 0;
  private lastHeard: number;
  private stalledSince: number | null = null;
  private tokens: number;
  private lastRefill: number;
  private invalidFrames = 0;
  private timer: TimerHandle | null = null;
  private drainTimer: TimerHandle | null = null;
  private pendingMetrics: MetricSample[] | null = null;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly journal: Journal,
    private readonly limits: SessionLimits,
    private readonly clock: Clock,
    private readonly stats: GatewayStats,
    private readonly onAction: ActionHandler,
    private readonly gateway: { name: string; version: string },
  ) {
    this.lastHeard = clock.now();
    this.tokens = limits.maxFramesPerSecond * 2;
    this.lastRefill = clock.now();
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.stats.count('socket_error'));
    this.schedule(limits.helloTimeoutMs, () => {
      if (!this.helloed) this.close(CloseCode.helloRequired, 'no hello within the hello timeout');
    });
  }

  /** New events were journaled: send them if this console is live and keeping up. */
  notifyAppended(): void {
    if (this.live) this.pump();
  }

  /** Latest-value-wins: a console that is behind gets only the newest batch, after its alerts. */
  offerMetrics(samples: MetricSample[]): void {
    if (!this.live || this.closed) return;
    this.pendingMetrics = samples;
    this.pump();
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (this.closed) return; // frames still in flight after we closed are neither handled nor counted
    this.lastHeard = this.clock.now();
    if (!this.takeToken()) {
      this.stats.reject('rate_limited');
      this.close(CloseCode.rateLimited, `more than ${this.limits.maxFramesPerSecond} frames per second`);
      return;
    }
    if (isBinary) return this.invalid('binary_frame', 'frames are JSON text');
    const decoded = decodeFrame(text, ClientFrameSchema);
    if (!decoded.ok) {
      if (decoded.reason === 'unknown_type') {
        this.stats.reject('unknown_type'); // ignored by the protocol: forward compatibility
        return;
      }
      if (!this.helloed && this.isOtherVersionHello(text)) {
        this.stats.reject('unsupported_version');
        return this.close(CloseCode.unsupportedVersion, `this gateway speaks protocol v${PROTOCOL_VERSION}`);
      }
      return this.invalid(decoded.reason, decoded.detail);
    }
    this.handle(decoded.frame);
  }

  /** A hello for another protocol version gets its own close code, not "invalid frame". */
  private isOtherVersionHello(text: string): boolean {
    try {
      const value = JSON.parse(text) as { type?: unknown; v?: unknown };
      return value.type === 'hello' && value.v !== PROTOCOL_VERSION;
    } catch {
      return false;
    }
  }

  private handle(frame: ClientFrame): void {
    if (frame.type !== 'hello' && !this.helloed) return this.invalid('before_hello', `${frame.type} before hello`);
    switch (frame.type) {
      case 'hello':
        if (this.helloed) return this.invalid('duplicate_hello', 'hello sent twice');
        return this.start(frame.resume.alerts ?? 0);
      case 'ack':
        if (frame.seq > this.sentSeq) return this.invalid('ack_ahead', `ack ${frame.seq} for events not sent (sent ${this.sentSeq})`);
        this.ackedSeq = Math.max(this.ackedSeq, frame.seq);
        return;
      case 'ping':
        return this.send({ type: 'pong', t: frame.t });
      case 'pong':
        return;
      case 'action':
        void this.onAction(frame).then((result) => this.send(result));
        return;
    }
  }

  private start(resumeFrom: number): void {
    this.helloed = true;
    const { first, last } = this.journal.bounds();
    this.send({
      type: 'welcome', v: PROTOCOL_VERSION, gateway: this.gateway, heartbeatMs: this.limits.heartbeatMs,
      streams: { alerts: { first, last } },
    });
    const cursor = Math.min(resumeFrom, last);
    if (cursor + 1 < first) {
      // Outside the replay window: the state of every firing alert, and the hole said out loud.
      this.stats.count('snapshots');
      this.send({ type: 'snapshot', stream: 'alerts', seq: last, alerts: this.journal.firingAlerts() });
      this.send({ type: 'gap', stream: 'alerts', from: cursor + 1, to: first - 1, reason: 'outside_replay_window' });
      // Events still in the window follow one by one, so the console's history keeps them.
      this.sentSeq = first - 1;
    } else {
      this.sentSeq = cursor;
    }
    this.live = true;
    this.beat();
    this.pump();
  }

  /** Send journaled events after sentSeq while the socket drains; announce `live` once caught up. */
  private pump(): void {
    if (this.closed) return;
    let caughtUp = false;
    while (this.ws.bufferedAmount < this.limits.softBufferBytes) {
      const batch = this.journal.readAfter(this.sentSeq, REPLAY_CHUNK);
      for (const { seq, event } of batch) this.send({ type: 'event', stream: 'alerts', seq, event });
      if (batch.length > 0) this.sentSeq = batch[batch.length - 1]!.seq;
      if (batch.length < REPLAY_CHUNK) {
        caughtUp = true;
        break;
      }
    }
    if (!caughtUp) {
      this.stalledSince ??= this.clock.now();
      // Try again shortly (the heartbeat closes a console that never drains).
      this.drainTimer ??= this.clock.setTimeout(() => {
        this.drainTimer = null;
        this.pump();
      }, DRAIN_RETRY_MS);
      return;
    }
    this.stalledSince = null;
    if (!this.announcedLive) {
      this.announcedLive = true;
      this.send({ type: 'live', stream: 'alerts', seq: this.sentSeq });
    }
    if (this.pendingMetrics) {
      this.send({ type: 'metrics', samples: this.pendingMetrics });
      this.pendingMetrics = null;
    }
  }

  /** Heartbeat: ping, check the console is alive and draining, resume a paused pump. */
  private beat(): void {
    this.schedule(this.limits.heartbeatMs, () => {
      const now = this.clock.now();
      if (now - this.lastHeard > 2 * this.limits.heartbeatMs) {
        this.stats.count('heartbeat_timeouts');
        return this.close(CloseCode.heartbeatTimeout, 'no frame for two heartbeats', true);
      }
      if (this.stalledSince !== null && now - this.stalledSince > this.limits.stallTimeoutMs) {
        this.stats.count('slow_consumers');
        return this.close(CloseCode.slowConsumer, 'console stopped reading; resume from your last committed seq');
      }
      this.send({ type: 'ping', t: now });
      this.pump();
      this.beat();
    });
  }

  private invalid(reason: string, detail: string): void {
    this.stats.reject(reason);
    this.invalidFrames++;
    this.send({ type: 'error', code: reason, message: detail.slice(0, 512) });
    if (this.invalidFrames > this.limits.maxInvalidFrames) this.close(CloseCode.policy, 'too many invalid frames');
  }

  private takeToken(): boolean {
    const now = this.clock.now();
    const capacity = this.limits.maxFramesPerSecond * 2;
    this.tokens = Math.min(capacity, this.tokens + ((now - this.lastRefill) / 1000) * this.limits.maxFramesPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private send(frame: ServerFrame): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private schedule(ms: number, run: () => void): void {
    this.timer = this.clock.setTimeout(run, ms);
  }

  /** Close with a code; a peer that went silent is terminated, since it will not answer a close. */
  private close(code: number, reason: string, terminate = false): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    if (terminate) this.ws.terminate();
    this.dispose();
  }

  /** Stop all timers and sending (the gateway calls this before it closes the journal). */
  dispose(): void {
    this.closed = true;
    this.live = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    if (this.drainTimer) this.clock.clearTimeout(this.drainTimer);
  }
}
