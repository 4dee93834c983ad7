/**
 * Seeding a JetStream journal with a large backlog quickly, and exactly as a gateway would have
 * written it. Through a gateway's append an event costs a KV round trip per alert (about 2,100
 * events/s: eight minutes for a million), so:
 *
 *  1. a real gateway creates the stream and KV buckets and journals the first `probe` events
 *     through its own append (sink.publish);
 *  2. the stream's messages 1..probe are read back and must be byte for byte what the direct
 *     publisher would send for those events (the event's JSON, no headers: these events carry
 *     no dedup key), and the KV bucket must hold the alert states reduceAlert gives for them;
 *  3. the rest are published straight to the stream's subject, many in flight on one connection
 *     (stored in publish order), each ack checked to be the next seq;
 *  4. every alert's final state (reduceAlert over all events, as the gateway reduces them) is
 *     stored in the KV bucket with the gateway's own JournalBuckets.putState.
 *
 * Anything that does not match throws: a replay of this stream is a replay of what a gateway
 * that had journaled these events would have.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import type { AlertEvent, AlertState } from '../../common/protocol/alert.js';
import { reduceAlert } from '../../common/protocol/reduce.js';
import { startGateway } from '../../gateway/gateway.js';
import { JournalBuckets } from '../../gateway/journal/jetstream/buckets.js';
import { journalIdOf, subjectOf } from '../../gateway/journal/jetstream/stream.js';

export type JetStreamSeedSpec = {
  servers: string[];
  stream: string;
  /** The rest of the gateway's `journal` section (the window), as the replaying gateway will have it. */
  window: { maxEvents: number; maxAgeMs: number };
  /** How many events, and event number i. */
  events: number;
  event: (i: number) => AlertEvent;
  /** How many go through a real gateway first (and are checked against the direct format). */
  probe?: number;
  /** Publishes in flight at once. */
  inFlight?: number;
  token: string;
  log?: (message: string) => void;
};

export type JetStreamSeedResult = { gatewayRate: number; directRate: number; alerts: number; ms: number };

/** Seed the stream `spec.stream` with `spec.events` events; throws unless it holds exactly them. */
export async function seedJetStream(spec: JetStreamSeedSpec): Promise<JetStreamSeedResult> {
  const log = spec.log ?? (() => {});
  const probe = Math.min(spec.probe ?? 2_000, spec.events);
  const inFlight = spec.inFlight ?? 5_000;
  const t0 = Date.now();
  const journal = { kind: 'jetstream' as const, servers: spec.servers, stream: spec.stream, ...spec.window };

  // 1. A real gateway: the stream and buckets as it makes them, and the first events as it writes them.
  const writer = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: [spec.token], journal });
  try {
    for (let i = 0; i < probe; i += 100) {
      const seqs = await writer.sink.publish(
        Array.from({ length: Math.min(100, probe - i) }, (_, j) => ({ event: spec.event(i + j) })),
      );
      seqs.forEach((seq, j) => {
        if (seq !== i + j + 1) throw new Error(`seed: the gateway journaled event ${i + j} as seq ${seq}`);
      });
    }
  } finally {
    await writer.close();
  }
  const gatewayRate = probe / ((Date.now() - t0) / 1000);

  const nc = await connect({ servers: spec.servers, name: 'bench-seed', timeout: 10_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const info = await jsm.streams.info(spec.stream);
    const journalId = journalIdOf(info);
    const buckets = await JournalBuckets.open(
      nc,
      { stream: spec.stream, replicas: info.config.num_replicas, maxAgeMs: spec.window.maxAgeMs },
      journalId,
    );
    const kv = await new Kvm(nc).open(`${spec.stream}-alerts`);

    // 2. What the gateway wrote is what the direct publisher sends, and the states are reduceAlert's.
    const states = new Map<string, AlertState>();
    const reduce = (i: number) => {
      const event = spec.event(i);
      const state = reduceAlert(states.get(event.alertId), event, i + 1);
      if (state) states.set(event.alertId, state);
    };
    for (let i = 0; i < probe; i++) reduce(i);
    const decoder = new TextDecoder();
    const consumer = await js.consumers.get(spec.stream, {
      opt_start_seq: 1,
      deliver_policy: DeliverPolicy.StartSequence,
    });
    const messages = await consumer.fetch({ max_messages: probe, expires: 10_000 });
    let read = 0;
    for await (const message of messages) {
      const expected = JSON.stringify(spec.event(message.seq - 1));
      if (message.seq !== read + 1) throw new Error(`seed: read seq ${message.seq} after ${read}`);
      if (decoder.decode(message.data) !== expected)
        throw new Error(`seed: the gateway wrote seq ${message.seq} otherwise than the direct publisher would`);
      if (message.headers !== undefined && [...message.headers.keys()].length > 0)
        throw new Error(`seed: the gateway wrote headers on seq ${message.seq} (${[...message.headers.keys()]})`);
      if (++read === probe) break;
    }
    if (read !== probe) throw new Error(`seed: read back ${read} of the gateway's ${probe} events`);
    await expectStates(kv, journalId, states);
    log(`seed: ${probe} events through a gateway at ${Math.round(gatewayRate)}/s; format and states match`);

    // 3. The rest straight to the stream: core publishes with one reply subject for all their
    // acks (no request, timer or promise per message), at most `inFlight` unacknowledged. One
    // connection keeps them in order, so the acks come back in order: ack k is seq probe + k + 1.
    const t1 = Date.now();
    await publishDirect(
      nc,
      subjectOf(spec.stream),
      spec.stream,
      probe,
      spec.events,
      inFlight,
      (k) => {
        reduce(k);
        return JSON.stringify(spec.event(k));
      },
      log,
    );
    const directRate = (spec.events - probe) / ((Date.now() - t1) / 1000);

    // 4. Every alert's final state, as the gateway stores it.
    for (const state of states.values()) await buckets.putState(state);
    const after = await jsm.streams.info(spec.stream);
    if (after.state.first_seq !== 1 || after.state.last_seq !== spec.events || after.state.messages !== spec.events)
      throw new Error(
        `seed: the stream holds seqs ${after.state.first_seq}..${after.state.last_seq} (${after.state.messages} messages), not 1..${spec.events}`,
      );
    await expectStates(kv, journalId, states);
    return { gatewayRate, directRate, alerts: states.size, ms: Date.now() - t0 };
  } finally {
    await nc.close();
  }
}

/**
 * The KV bucket holds exactly `states` for this journal, read key by key: a check independent of
 * JournalBuckets.allStates, the gateway's own one-pass read (which this check once found dropping
 * the last state of its read).
 */
async function expectStates(kv: KV, journalId: string, states: ReadonlyMap<string, AlertState>): Promise<void> {
  const keys: string[] = [];
  for await (const key of await kv.keys(`${journalId}.>`)) keys.push(key);
  if (keys.length !== states.size) throw new Error(`seed: KV holds ${keys.length} states, expected ${states.size}`);
  for (const [alertId, state] of states) {
    const entry = await kv.get(`${journalId}.${Buffer.from(alertId).toString('base64url')}`);
    const stored = entry && entry.operation === 'PUT' ? entry.string() : undefined;
    if (stored !== JSON.stringify(state))
      throw new Error(`seed: the KV state of ${alertId} is ${stored}, not reduceAlert's ${JSON.stringify(state)}`);
  }
}

/** Publish events `from`..`to`-1 (their JSON by `json`) to `subject`; resolves once every ack is the next seq. */
async function publishDirect(
  nc: NatsConnection,
  subject: string,
  stream: string,
  from: number,
  to: number,
  inFlight: number,
  json: (k: number) => string,
  log: (message: string) => void,
): Promise<void> {
  const inbox = createInbox();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let acked = from;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const subscription = nc.subscribe(inbox, {
    callback: (error, message) => {
      if (failure) return;
      try {
        if (error) throw error;
        const ack = JSON.parse(decoder.decode(message.data)) as {
          stream?: string;
          seq?: number;
          duplicate?: boolean;
          error?: { description?: string };
        };
        if (ack.error || ack.stream !== stream || ack.seq !== acked + 1 || ack.duplicate)
          throw new Error(`seed: event ${acked} was answered ${decoder.decode(message.data)}, not seq ${acked + 1}`);
        acked++;
        if (acked % 100_000 === 0) log(`seed: ${acked.toLocaleString('en')} events in the stream`);
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
      wake?.();
    },
  });
  const waitUntil = async (done: () => boolean) => {
    const deadline = Date.now() + 60_000;
    while (!done() && !failure) {
      if (Date.now() > deadline) throw new Error(`seed: no ack for event ${acked} within 60 s`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000);
      });
      wake = null;
    }
    if (failure) throw failure;
  };
  try {
    for (let k = from; k < to; k++) {
      if (k - acked >= inFlight) await waitUntil(() => k - acked < inFlight / 2);
      nc.publish(subject, encoder.encode(json(k)), { reply: inbox });
    }
    await waitUntil(() => acked === to);
  } finally {
    subscription.unsubscribe();
  }
}
