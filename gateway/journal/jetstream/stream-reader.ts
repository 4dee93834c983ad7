/**
 * Reads the journal's stream into the gateway's replica, from where the replica ends, for as
 * long as the gateway runs: an ordered consumer (recreated by the client after a gap or a lost
 * server, and here whenever it ends). Messages are applied in batches, one SQLite transaction
 * each, as soon as nothing more is pending or a batch is full.
 */
import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Clock } from '../../../common/clock.js';
import type { AlertState } from '../../../common/protocol/alert.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { ReplicaJournal, StreamedEvent } from './replica.js';

const BATCH = 500;
const decoder = new TextDecoder();

/** What the reader tells its gateway. */
export type StreamReaderHooks = {
  /** Events were applied to the replica (these alerts changed). */
  applied(changed: Map<string, AlertState>): void;
  log(message: string): void;
};

/** The loop that keeps a replica current with its stream. */
export class StreamReader {
  private stopped = false;
  private current: { close(): Promise<void | Error> } | null = null;
  private running: Promise<void> | null = null;
  /** Set when a read failed: the replica may be behind until the consumer is back. */
  lastError: string | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly replica: ReplicaJournal,
    private readonly hooks: StreamReaderHooks,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.readOnce();
      } catch (error) {
        this.lastError = errorMessage(error);
        this.hooks.log(`reading stream ${this.stream}: ${this.lastError}; reading again`);
      }
      if (!this.stopped) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 250));
    }
  }

  private async readOnce(): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.replica.bounds().last + 1,
    });
    const messages = await consumer.consume({ max_messages: 2 * BATCH });
    this.current = messages;
    // stop() may have come while the consumer was being made: it found nothing to close. (Not
    // awaited: the client's close() waits for an iteration that has not started.)
    if (this.stopped) return void messages.close();
    this.lastError = null;
    let batch: StreamedEvent[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const items = batch;
      batch = [];
      this.hooks.applied(this.replica.apply(items));
    };
    for await (const message of messages) {
      if (this.stopped) break;
      batch.push(streamed(message));
      if (batch.length >= BATCH || message.info.pending === 0) flush();
    }
    flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Ends the iteration below; its promise settles only once the iteration has ended.
    void this.current?.close();
    await this.running;
  }
}

function streamed(message: JsMsg): StreamedEvent {
  const dedupKey = message.headers?.get('Nats-Msg-Id');
  return { seq: message.seq, json: decoder.decode(message.data), ...(dedupKey ? { dedupKey } : {}) };
}
