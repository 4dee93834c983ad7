/**
 * One console's connection to the gateway: hello → welcome → (replay | snapshot + gap) → live.
 * The journal is the send buffer: the session only remembers the last seq it sent, and pumps
 * from the journal while the socket drains (resuming on the write callback of the frame that
 * filled it), so a slow console costs a bounded amount of gateway memory. A console whose
 * buffer passes the hard bound, or that does not drain for the stall timeout, is closed (4002)
 * and resumes later from its committed seq. A session knows who its console is (the person of
 * its device token, or nobody for a plain token): it attributes every action, and reports the
 * console's presence.
 */
import type { WebSocket } from 'ws';
import {
  CloseCode,
  ClientFrameSchema,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ServerFrame,
} from '../../common/protocol/frames.js';
import { decodeFrame } from '../../common/protocol/decode.js';
import { errorMessage, parseBoundedJson } from '../../common/protocol/bounded-json.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { JournalView } from '../journal/journal-port.js';
import { FrameRateLimit } from './rate-limit.js';
import { snapshotFrames } from './snapshot.js';
import type { ServerStats } from '../../common/node/http/server-stats.js';
import { actorFor, type Actor } from '../actions.js';
import type { Person } from '../identity/config.js';
import type { PresenceHandle, PresenceRegistry } from '../identity/presence.js';

export type SessionLimits = {
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** Stop pumping events while this many bytes wait in the socket. */
  softBufferBytes: number;
  /** Close the console (4002) as soon as this many bytes wait in its socket. */
  maxBufferBytes: number;
  /** Close a console whose socket has not drained for this long (4002). */
  stallTimeoutMs: number;
  /** Frames per second a console may send (token bucket of twice this size). */
  maxFramesPerSecond: number;
  /** Invalid frames tolerated before the connection is closed (1008). */
  maxInvalidFrames: number;
};

/** Applies an action as `actor`: the session's, never the `by` the console claimed. */
export type ActionHandler = (frame: Extract<ClientFrame, { type: 'action' }>, actor: Actor) => Promise<ServerFrame>;

/** What a session needs from its gateway, injected. */
export type SessionDeps = {
  journal: JournalView;
  limits: SessionLimits;
  clock: Clock;
  stats: ServerStats;
  onAction: ActionHandler;
  gateway: { name: string; version: string };
  log: (message: string) => void;
  /** The connection's TCP/TLS socket, corked while a burst is written so frames share syscalls. */
  transport?: { cork(): void; uncork(): void };
  /** Where a person's consoles report presence; plain-token consoles report nowhere. */
  presence?: PresenceRegistry;
};

const REPLAY_CHUNK = 500;
/** How soon a pump held back by a full buffer, with no write callback to wait for, tries again. */
const DRAIN_RETRY_MS = 10;
/** Invalid frames logged one by one per connection; the rest are counted (and summed up at close). */
const LOGGED_INVALID = 5;

export class FeedSession {
  private helloed = false;
  private live = false;
  private announcedLive = false;
  private sentSeq = 0;
  /** The console's cumulative ack: everything up to here is committed on its side. */
  ackedSeq = 0;
  private lastHeard: number;
  private stalledSince: number | null = null;
  private awaitingDrain = false;
  private readonly rate: FrameRateLimit;
  private invalidFrames = 0;
  private timer: TimerHandle | null = null;
  private drainTimer: TimerHandle | null = null;
  /** Snapshot parts and the gap, sent through the pump ahead of events. */
  private readonly preamble: string[] = [];
  private pendingMetrics: string | null = null;
  private closed = false;
  private readonly actor: Actor;
  private presence: PresenceHandle | null = null;

  /** `person`: whose device token opened the connection; null for a plain token ("console"). */
  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
    private readonly remote: string,
    private readonly person: Person | null = null,
  ) {
    this.actor = actorFor(person);
    this.lastHeard = deps.clock.now();
    this.rate = new FrameRateLimit(deps.limits.maxFramesPerSecond, deps.clock.now());
    ws.on('message', (data, isBinary) => this.guard('frame', () => this.onMessage(data.toString(), isBinary)));
    ws.on('close', () => this.dispose());
    ws.on('error', (error) => {
      // ws closes 1007 (invalid UTF-8) and 1009 (over maxPayload) itself, and reports it here.
      this.deps.stats.reject(socketErrorReason(error));
      this.deps.log(`feed ${this.remote}: ${error.message}`);
    });
    this.schedule(deps.limits.helloTimeoutMs, () => {
      if (!this.helloed) this.close(CloseCode.helloRequired, 'no hello within the hello timeout');
    });
  }

  /** New events were journaled: send them if this console is live and keeping up. */
  notifyAppended(): void {
    if (this.live) this.pump();
  }

  /** Latest-value-wins: a metrics frame replaces any unsent one, and goes out only after the alerts. */
  offerMetrics(frameText: string): void {
    if (!this.live || this.closed) return;
    if (this.pendingMetrics !== null) this.deps.stats.count('metrics_coalesced');
    this.pendingMetrics = frameText;
    this.pump();
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (this.closed) return; // frames still in flight after we closed are neither handled nor counted
    this.lastHeard = this.deps.clock.now();
    if (!this.rate.take(this.lastHeard)) {
      this.deps.stats.reject('rate_limited');
      return this.close(CloseCode.rateLimited, `more than ${this.deps.limits.maxFramesPerSecond} frames per second`);
    }
    if (isBinary) return this.invalid('binary_frame', 'frames are JSON text');
    const decoded = decodeFrame(text, ClientFrameSchema);
    if (decoded.ok) return this.handle(decoded.value);
    if (decoded.code === 'unknown_type') return this.deps.stats.reject('unknown_type'); // ignored: forward compatibility
    if (!this.helloed && isOtherVersionHello(text)) {
      this.deps.stats.reject('unsupported_version');
      return this.close(CloseCode.unsupportedVersion, `this gateway speaks protocol v${PROTOCOL_VERSION}`);
    }
    this.invalid(decoded.code, decoded.message);
  }

  /**
   * The one boundary around everything a peer's frame can reach: an error nobody expected is a
   * counted, logged refusal that closes this connection (1011), never an exit of the gateway.
   */
  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.deps.stats.reject('internal_error');
      this.deps.log(`feed ${this.remote}: handling a ${what} failed: ${errorMessage(error)}`);
      this.close(CloseCode.internalError, 'the gateway could not handle that frame');
    }
  }

  private handle(frame: ClientFrame): void {
    if (frame.type !== 'hello' && !this.helloed) return this.invalid('before_hello', `${frame.type} before hello`);
    switch (frame.type) {
      case 'hello':
        if (this.helloed) return this.invalid('duplicate_hello', 'hello sent twice');
        return this.start(frame.resume.alerts ?? 0);
      case 'ack':
        if (frame.seq > this.sentSeq)
          return this.invalid('ack_ahead', `ack ${frame.seq} for events not sent (sent ${this.sentSeq})`);
        this.ackedSeq = Math.max(this.ackedSeq, frame.seq);
        return;
      case 'ping':
        return this.send({ type: 'pong', t: frame.t });
      case 'pong':
        return;
      case 'presence':
        this.presence?.update(frame.state);
        return;
      case 'action':
        void this.deps.onAction(frame, this.actor).then(
          (result) => this.send(result),
          (error: unknown) => {
            this.deps.log(`feed ${this.remote}: action ${frame.id} failed: ${errorMessage(error)}`);
            this.send({
              type: 'action_result',
              id: frame.id,
              ok: false,
              code: 'internal',
              message: 'the gateway could not apply the action',
            });
          },
        );
        return;
    }
  }

  private start(resumeFrom: number): void {
    this.helloed = true;
    // Connected once it has said hello: a socket that never does is closed by the hello timeout.
    if (this.person) this.presence = this.deps.presence?.connect(this.person.id) ?? null;
    const { journal, limits, gateway } = this.deps;
    const { first, last } = journal.bounds();
    this.send({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      gateway,
      heartbeatMs: limits.heartbeatMs,
      streams: { alerts: { first, last, journalId: journal.id } },
    });
    this.sentSeq = Math.min(resumeFrom, last);
    this.live = true;
    this.beat();
    this.pump();
  }

  /** Send the preamble, then journaled events after sentSeq, while the socket drains; then `live` and metrics. */
  private pump(): void {
    if (this.closed || !this.live || this.awaitingDrain) return;
    // One burst, one write: ws writes each frame on its own, which costs a syscall per event.
    this.deps.transport?.cork();
    try {
      this.pumpCorked();
    } finally {
      this.deps.transport?.uncork();
    }
  }

  private pumpCorked(): void {
    while (this.preamble.length > 0 || this.sentSeq < this.deps.journal.bounds().last) {
      if (this.ws.bufferedAmount >= this.deps.limits.softBufferBytes) return this.retryLater();
      if (this.preamble.length === 0 && this.sentSeq + 1 < this.deps.journal.bounds().first) this.enqueueSnapshot();
      const batch =
        this.preamble.length > 0
          ? this.preamble.splice(0, 1).map((frame) => ({ seq: this.sentSeq, frame }))
          : this.deps.journal.readAfter(this.sentSeq, REPLAY_CHUNK);
      if (batch.length === 0) break;
      for (const { seq, frame } of batch) {
        this.sentSeq = seq;
        if (this.ws.bufferedAmount + frame.length < this.deps.limits.softBufferBytes) {
          this.sendText(frame);
          continue;
        }
        // This frame fills the buffer: go on when it has been written out.
        this.awaitingDrain = true;
        this.stalledSince ??= this.deps.clock.now();
        this.sendText(frame, () => {
          this.awaitingDrain = false;
          this.stalledSince = null;
          this.guard('drain', () => this.pump());
        });
        return;
      }
    }
    if (this.ws.bufferedAmount < this.deps.limits.softBufferBytes) this.stalledSince = null;
    if (!this.announcedLive) {
      this.announcedLive = true;
      this.send({ type: 'live', stream: 'alerts', seq: this.sentSeq });
    }
    if (this.pendingMetrics === null) return;
    // Metrics never queue: while the socket is full the newest batch waits (and is replaced).
    if (this.ws.bufferedAmount >= this.deps.limits.softBufferBytes) return this.retryLater();
    this.sendText(this.pendingMetrics);
    this.pendingMetrics = null;
  }

  /**
   * The next event to send is older than the replay window (at hello, or trimmed away while
   * this console was catching up): the state of every firing alert, and the hole said out loud.
   * Events still in the window follow one by one, so the console's history keeps them.
   */
  private enqueueSnapshot(): void {
    const { first, last } = this.deps.journal.bounds();
    this.deps.stats.count('snapshots');
    this.preamble.push(...snapshotFrames(last, this.deps.journal.firingAlerts()));
    this.preamble.push(
      JSON.stringify({
        type: 'gap',
        stream: 'alerts',
        from: this.sentSeq + 1,
        to: first - 1,
        reason: 'outside_replay_window',
      }),
    );
    this.sentSeq = first - 1;
  }

  private retryLater(): void {
    this.stalledSince ??= this.deps.clock.now();
    this.drainTimer ??= this.deps.clock.setTimeout(() => {
      this.drainTimer = null;
      this.guard('drain', () => this.pump());
    }, DRAIN_RETRY_MS);
  }

  /** Heartbeat: ping, check the console is alive and draining, resume a paused pump. */
  private beat(): void {
    this.schedule(this.deps.limits.heartbeatMs, () => {
      const now = this.deps.clock.now();
      if (now - this.lastHeard > 2 * this.deps.limits.heartbeatMs) {
        this.deps.stats.count('heartbeat_timeouts');
        return this.close(CloseCode.heartbeatTimeout, 'no frame for two heartbeats', true);
      }
      if (this.stalledSince !== null && now - this.stalledSince > this.deps.limits.stallTimeoutMs) {
        return this.slowConsumer(`socket did not drain for ${now - this.stalledSince} ms`);
      }
      this.send({ type: 'ping', t: now });
      this.pump();
      this.beat();
    });
  }

  private slowConsumer(why: string): void {
    this.deps.stats.count('slow_consumers');
    this.close(CloseCode.slowConsumer, `console stopped reading (${why}); resume from your last committed seq`);
  }

  private invalid(reason: string, detail: string): void {
    this.deps.stats.reject(reason);
    this.invalidFrames++;
    if (this.invalidFrames <= LOGGED_INVALID)
      this.deps.log(`feed ${this.remote}: invalid frame (${reason}): ${detail.slice(0, 200)}`);
    this.send({ type: 'error', code: reason, message: detail.slice(0, 512) });
    if (this.invalidFrames > this.deps.limits.maxInvalidFrames) this.close(CloseCode.policy, 'too many invalid frames');
  }

  private send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Every frame goes through here: the hard bound on what may wait in the socket is checked on each. */
  private sendText(text: string, written?: (error?: Error) => void): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(text, written);
    if (this.ws.bufferedAmount > this.deps.limits.maxBufferBytes)
      this.slowConsumer(`${this.ws.bufferedAmount} bytes waiting`);
  }

  private schedule(ms: number, run: () => void): void {
    this.timer = this.deps.clock.setTimeout(() => this.guard('timer', run), ms);
  }

  /** Close with a code; a peer that went silent is terminated, since it will not answer a close. */
  private close(code: number, reason: string, terminate = false): void {
    if (this.closed) return;
    this.deps.log(
      `feed ${this.remote}: closing ${code}: ${reason}${this.invalidFrames > 0 ? ` (${this.invalidFrames} invalid frames)` : ''}`,
    );
    this.ws.close(code, reason.slice(0, 120));
    if (terminate) this.ws.terminate();
    this.dispose();
  }

  /** Stop all timers and sending (the gateway calls this before it closes the journal). */
  dispose(): void {
    this.closed = true;
    this.presence?.close();
    this.live = false;
    this.preamble.length = 0;
    this.pendingMetrics = null;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    if (this.drainTimer) this.deps.clock.clearTimeout(this.drainTimer);
  }
}

/** A hello for another protocol version gets its own close code, not "invalid frame". */
function isOtherVersionHello(text: string): boolean {
  const json = parseBoundedJson(text);
  if (!json.ok || typeof json.value !== 'object' || json.value === null) return false;
  const value = json.value as { type?: unknown; v?: unknown };
  return value.type === 'hello' && value.v !== PROTOCOL_VERSION;
}

/** The counted reason for an error `ws` raised on a socket (it closes 1007 / 1009 itself). */
function socketErrorReason(error: Error & { code?: string }): string {
  if (error.code === 'WS_ERR_INVALID_UTF8') return 'invalid_utf8';
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'too_big';
  return 'socket_error';
}
