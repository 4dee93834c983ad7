/**
 * The JetStream backend of the journal port (issue #18): events in a stream whose sequence is
 * the feed's seq, alert states and action results in KV buckets, and a local replica every
 * feed session reads. Appends publish with the entry's dedup key as Nats-Msg-Id, so an
 * Alertmanager HA pair posting the same alert to two gateways stores it once; a key already in
 * the replicated window is refused before publishing. An append resolves once the stream has
 * stored the events and this gateway's replica has them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { AlertState } from '../../../common/protocol/alert.js';
import { reduceAlert } from '../../../common/protocol/reduce.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { SinkEntry } from '../../sources/sink.js';
import type { JournalBounds, JournaledFrame, JournalHealth, JournalPort } from '../journal-port.js';
import { JournalBuckets } from './buckets.js';
import { connectNats, type NatsConnectionSpec } from './connection.js';
import { ReplicaJournal } from './replica.js';
import { ensureStream, journalIdOf, subjectOf, type StreamSpec } from './stream.js';
import { StreamReader } from './stream-reader.js';
import { AppliedWaiters } from './applied-waiters.js';

/** The `journal` section of a gateway configured for JetStream. */
export type JetStreamJournalConfig = StreamSpec &
  Omit<NatsConnectionSpec, 'name'> & {
    /** How long a publish may wait for the stream's answer. */
    publishTimeoutMs: number;
    /** better-sqlite3's native module for the replica, when not Node's (Electron). */
    nativeBinding?: string;
  };

export type JetStreamBackendDeps = { clock: Clock; log: (message: string) => void; name: string };

/** How often the stream's state is read, for `/readyz` and the replica's floor. */
const INFO_EVERY_MS = 1_000;

/** The JetStream journal behind the port. */
export class JetStreamJournalBackend implements JournalPort {
  readonly kind = 'jetstream';
  readonly id: string;
  private readonly listeners: Array<() => void> = [];
  private readonly reader: StreamReader;
  private readonly waiters = new AppliedWaiters();
  /** Alerts whose state could not be stored in KV yet (tried again at the next trim). */
  private readonly unsaved = new Set<string>();
  private streamLast: number;
  private infoError: string | null = null;
  private connected = true;
  private infoTimer: TimerHandle | null = null;
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly buckets: JournalBuckets,
    private readonly replica: ReplicaJournal,
    private readonly replicaDir: string,
    private readonly config: JetStreamJournalConfig,
    private readonly deps: JetStreamBackendDeps,
    streamLast: number,
  ) {
    this.id = replica.id;
    this.streamLast = streamLast;
    this.reader = new StreamReader(
      js,
      config.stream,
      replica,
      {
        applied: () => this.applied(),
        log: deps.log,
      },
      deps.clock,
    );
  }

  /** Connect, create or check the stream, open the buckets, and load the alert states into a fresh replica. */
  static async open(config: JetStreamJournalConfig, deps: JetStreamBackendDeps): Promise<JetStreamJournalBackend> {
    const nc = await connectNats({ ...config, name: deps.name });
    const replicaDir = mkdtempSync(join(tmpdir(), 'tocsin-replica-'));
    try {
      const jsm = await jetstreamManager(nc);
      const { info, buckets } = await whileElecting(deps, config.stream, async () => {
        const found = await ensureStream(jsm, config);
        return { info: found, buckets: await JournalBuckets.open(nc, config, journalIdOf(found)) };
      });
      const id = journalIdOf(info);
      const replica = new ReplicaJournal({
        path: join(replicaDir, 'replica.sqlite'),
        maxEvents: config.maxEvents,
        maxAgeMs: config.maxAgeMs,
        ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes }),
        identity: id,
        ...(config.nativeBinding === undefined ? {} : { nativeBinding: config.nativeBinding }),
      });
      replica.loadStates(await buckets.allStates());
      replica.followFloor(info.state.first_seq);
      return new JetStreamJournalBackend(
        nc,
        jsm,
        jetstream(nc),
        buckets,
        replica,
        replicaDir,
        config,
        deps,
        info.state.last_seq,
      );
    } catch (error) {
      await nc.close().catch(() => {});
      rmSync(replicaDir, { recursive: true, force: true });
      throw new Error(`journal stream ${config.stream} on ${config.servers.join(', ')}: ${errorMessage(error)}`);
    }
  }

  /** Read the stream into the replica, and wait (up to `catchUpTimeoutMs`) until it has what the stream had. */
  async start(catchUpTimeoutMs = 60_000): Promise<void> {
    void this.watchConnection();
    this.reader.start();
    const poll = async () => {
      await this.readInfo();
      if (!this.closed) this.infoTimer = this.deps.clock.setTimeout(() => void poll(), INFO_EVERY_MS);
    };
    await poll();
    await this.waiters
      .until(this.streamLast, this.replica.bounds().last, catchUpTimeoutMs)
      .catch((error: unknown) =>
        this.deps.log(`not caught up with stream ${this.config.stream} yet (not ready): ${errorMessage(error)}`),
      );
  }

  /** The NATS connection (the leader lease shares it). */
  get connection(): NatsConnection {
    return this.nc;
  }

  bounds(): JournalBounds {
    return this.replica.bounds();
  }

  readAfter(seq: number, limit: number): JournaledFrame[] {
    return this.replica.readAfter(seq, limit);
  }

  alertState(alertId: string): AlertState | undefined {
    return this.replica.alertState(alertId);
  }

  firingAlerts(): AlertState[] {
    return this.replica.firingAlerts();
  }

  async append(entries: readonly SinkEntry[]): Promise<Array<number | null>> {
    if (!this.connected) throw new Error(`NATS unreachable (${this.config.servers.join(', ')})`);
    const subject = subjectOf(this.config.stream);
    // Published together, in order on one connection: the stream stores them in this order.
    const acks = entries.map((entry) =>
      entry.dedupKey !== undefined && this.replica.hasDedupKey(entry.dedupKey)
        ? null
        : this.js.publish(subject, JSON.stringify(entry.event), {
            timeout: this.config.publishTimeoutMs,
            ...(entry.dedupKey === undefined ? {} : { msgID: entry.dedupKey }),
          }),
    );
    const seqs = (await Promise.all(acks)).map((ack) => (ack === null || ack.duplicate ? null : ack.seq));
    const newest = Math.max(0, ...seqs.map((seq) => seq ?? 0));
    if (newest > 0) await this.waiters.until(newest, this.replica.bounds().last, this.config.publishTimeoutMs);
    this.stateOfSkipped(entries, seqs);
    const touched = new Set(entries.filter((_, i) => seqs[i] !== null).map((entry) => entry.event.alertId));
    await Promise.all([...touched].map((alertId) => this.saveState(alertId)));
    return seqs;
  }

  async actionResult(actionId: string): Promise<string | undefined> {
    return this.buckets.actionResult(actionId);
  }

  async recordActionResult(actionId: string, result: string): Promise<string> {
    return this.buckets.recordActionResult(actionId, result);
  }

  /**
   * The stream trims itself by its limits; the replica follows, states not yet in KV are saved,
   * and (by the leader) resolved alerts older than the window leave the KV bucket as they leave a SQLite journal
   * (otherwise the bucket grows by every alert that ever fired).
   */
  async trim(now: number, options: { leader?: boolean } = {}): Promise<void> {
    const expired = this.replica.resolvedBefore(now - this.config.maxAgeMs);
    this.replica.trim(now);
    await this.readInfo();
    await Promise.all([...this.unsaved].map((alertId) => this.saveState(alertId)));
    // Once per cluster: every gateway's replica holds the same expired states.
    if (options.leader ?? true) await this.buckets.deleteStates(expired);
  }

  onAppended(listener: () => void): void {
    this.listeners.push(listener);
  }

  health(): JournalHealth {
    const last = this.replica.bounds().last;
    const reachable = this.connected && this.infoError === null;
    const caughtUp = last >= this.streamLast;
    const detail = !this.connected
      ? `NATS unreachable (${this.config.servers.join(', ')})`
      : this.infoError !== null
        ? `stream ${this.config.stream}: ${this.infoError}`
        : `stream ${this.config.stream} at ${this.streamLast}, this gateway at ${last}`;
    return { reachable, caughtUp, detail };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.infoTimer) this.deps.clock.clearTimeout(this.infoTimer);
    await this.reader.stop();
    this.waiters.rejectAll('the journal closed');
    await this.nc.close().catch(() => {});
    this.replica.close();
    rmSync(this.replicaDir, { recursive: true, force: true });
  }

  private applied(): void {
    const last = this.replica.bounds().last;
    this.streamLast = Math.max(this.streamLast, last);
    this.waiters.reached(last);
    // Whoever published them, the new frames go to this gateway's consoles.
    for (const listener of this.listeners) listener();
  }

  /**
   * Events the stream dropped (its limits) before this gateway read them never reached the
   * replica: their alerts' states follow from the events this gateway has in hand.
   */
  private stateOfSkipped(entries: readonly SinkEntry[], seqs: ReadonlyArray<number | null>): void {
    entries.forEach(({ event }, i) => {
      const seq = seqs[i];
      if (seq === null || seq === undefined || this.replica.readAfter(seq - 1, 1)[0]?.seq === seq) return;
      const before = this.replica.alertState(event.alertId);
      if (before !== undefined && before.lastSeq >= seq) return;
      const state = reduceAlert(before, event, seq);
      if (state) this.replica.loadStates([state]);
    });
  }

  private async saveState(alertId: string): Promise<void> {
    const state = this.replica.alertState(alertId);
    if (!state) return;
    try {
      await this.buckets.putState(state);
      this.unsaved.delete(alertId);
    } catch (error) {
      this.unsaved.add(alertId);
      this.deps.log(`saving the state of ${alertId} to KV failed (tried again later): ${errorMessage(error)}`);
    }
  }

  private async readInfo(): Promise<void> {
    try {
      const info = await this.jsm.streams.info(this.config.stream);
      if (journalIdOf(info) !== this.id)
        throw new Error('the stream was deleted and created again: restart this gateway');
      this.streamLast = info.state.last_seq;
      this.replica.followFloor(info.state.first_seq);
      this.infoError = null;
    } catch (error) {
      this.infoError = errorMessage(error);
    }
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.connected = false;
      if (status.type === 'reconnect') this.connected = true;
      if (status.type === 'disconnect' || status.type === 'reconnect')
        this.deps.log(`NATS ${status.type} (${this.config.servers.join(', ')})`);
    }
  }
}

/** How long a starting gateway waits for its stream to answer (a leader election takes seconds). */
const STREAM_START_WAIT_MS = 30_000;

/**
 * Run `attempt` until it succeeds or `STREAM_START_WAIT_MS` have passed: a gateway started while
 * the stream elects a leader (a NATS node just died or restarted) gets timeouts or "jetstream not
 * enabled" for a few seconds, and must come up once the election is over rather than exit. A
 * stream configured differently from the file is no passing state: refused at once.
 */
async function whileElecting<T>(deps: JetStreamBackendDeps, stream: string, attempt: () => Promise<T>): Promise<T> {
  const deadline = deps.clock.now() + STREAM_START_WAIT_MS;
  for (let wait = 500; ; wait = Math.min(wait * 2, 4_000)) {
    try {
      return await attempt();
    } catch (error) {
      const message = errorMessage(error);
      if (/configured differently/.test(message) || deps.clock.now() + wait > deadline) throw error;
      deps.log(`journal stream ${stream} not available yet (${message}); trying again in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
