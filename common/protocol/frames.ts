/**
 * Tocsin feed protocol v1: every frame in both directions, in one schema module.
 * The gateway and the console core both validate with these schemas; `docs/protocol.md`
 * explains them and `docs/protocol.schema.json` is generated from them (a test keeps it in step).
 */
import { z } from 'zod';
import { AlertEventSchema, AlertStateSchema } from './alert.js';
import { MetricSampleSchema } from './metrics.js';

export const PROTOCOL_VERSION = 1;
/** Offered as the WebSocket subprotocol so a mismatched peer fails at the handshake. */
export const SUBPROTOCOL = 'tocsin.v1';
/** Frames larger than this are refused by both sides (close 1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Streams with sequence numbers. Alerts are replayed on resume; metrics are latest-value-wins. */
export const StreamSchema = z.enum(['alerts']);
export type Stream = z.infer<typeof StreamSchema>;

const seq = z.number().int().nonnegative();

// ---- client → gateway ----

export const HelloFrameSchema = z.object({
  type: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  client: z.object({ name: z.string().max(128), version: z.string().max(64) }),
  /** The last seq the client committed, per stream; absent or 0 means "from the start of the window". */
  resume: z.object({ alerts: seq.optional() }).default({}),
});

export const AckFrameSchema = z.object({
  type: z.literal('ack'),
  stream: StreamSchema,
  /** Cumulative: everything up to and including seq is committed on the client. */
  seq,
});

export const PingFrameSchema = z.object({ type: z.literal('ping'), t: z.number() });
export const PongFrameSchema = z.object({ type: z.literal('pong'), t: z.number() });

export const ActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge'), comment: z.string().max(16_384).optional() }),
  z.object({ action: z.literal('unacknowledge'), comment: z.string().max(16_384).optional() }),
  z.object({ action: z.literal('snooze'), until: z.number().int().nonnegative() }),
  z.object({ action: z.literal('resolve') }),
  z.object({ action: z.literal('comment'), comment: z.string().min(1).max(16_384) }),
]);
export type Action = z.infer<typeof ActionSchema>;

export const ActionFrameSchema = z.object({
  type: z.literal('action'),
  /** Idempotency key: the same id applied twice has one effect, and both get the same result. */
  id: z.string().min(8).max(128),
  alertId: z.string().min(1).max(256),
  by: z.string().min(1).max(256),
  request: ActionSchema,
});

/** Whether someone can see the console: only `watched` counts as someone watching. */
export const PresenceStateSchema = z.enum(['watched', 'hidden', 'idle', 'locked']);
export type PresenceState = z.infer<typeof PresenceStateSchema>;

/** The console's window state, after welcome and on every change (new in v1; older gateways ignore it). */
export const PresenceFrameSchema = z.object({ type: z.literal('presence'), state: PresenceStateSchema });

export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloFrameSchema,
  AckFrameSchema,
  PingFrameSchema,
  PongFrameSchema,
  ActionFrameSchema,
  PresenceFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

// ---- gateway → client ----

export const WelcomeFrameSchema = z.object({
  type: z.literal('welcome'),
  v: z.literal(PROTOCOL_VERSION),
  gateway: z.object({ name: z.string(), version: z.string() }),
  /** The gateway pings this often; a peer silent for two intervals is dead. */
  heartbeatMs: z.number().int().positive(),
  /** What the journal holds now: the oldest seq still replayable and the newest. */
  streams: z.object({
    alerts: z.object({
      first: seq,
      last: seq,
      /** The journal's identity (optional: gateways before it did not send one). A new one means seqs started again. */
      journalId: z.string().min(1).max(64).optional(),
    }),
  }),
});

export const EventFrameSchema = z.object({
  type: z.literal('event'),
  stream: StreamSchema,
  seq: seq.min(1),
  event: AlertEventSchema,
});

/**
 * Sent when the client's cursor is older than the replay window: the state of every firing alert.
 * Large snapshots span several frames with the same seq (each under MAX_FRAME_BYTES); the client
 * takes their union before the `gap` that follows.
 */
export const SnapshotFrameSchema = z.object({
  type: z.literal('snapshot'),
  stream: StreamSchema,
  /** The snapshot reflects every event up to and including this seq. */
  seq,
  alerts: z.array(AlertStateSchema),
});

/** A recorded hole: events `from`..`to` (inclusive) cannot be replayed; never a silent skip. */
export const GapFrameSchema = z.object({
  type: z.literal('gap'),
  stream: StreamSchema,
  from: seq,
  to: seq,
  reason: z.enum(['outside_replay_window']),
});

/** Replay is complete; what follows is live. */
export const LiveFrameSchema = z.object({ type: z.literal('live'), stream: StreamSchema, seq });

export const MetricsFrameSchema = z.object({
  type: z.literal('metrics'),
  samples: z.array(MetricSampleSchema).max(10_000),
});

export const ActionResultFrameSchema = z.object({
  type: z.literal('action_result'),
  id: z.string(),
  ok: z.boolean(),
  /** On success, the seq of the event the action produced. */
  seq: seq.optional(),
  code: z.enum(['unknown_alert', 'invalid', 'not_supported', 'source_failed', 'internal']).optional(),
  message: z.string().optional(),
});

/** Sent just before the gateway closes a connection for a protocol reason. */
export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  WelcomeFrameSchema,
  EventFrameSchema,
  SnapshotFrameSchema,
  GapFrameSchema,
  LiveFrameSchema,
  MetricsFrameSchema,
  ActionResultFrameSchema,
  PingFrameSchema,
  PongFrameSchema,
  ErrorFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type EventFrame = z.infer<typeof EventFrameSchema>;

/** WebSocket close codes Tocsin uses, beyond the standard ones `ws` sends itself (1007, 1009). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  invalidPayload: 1007,
  policy: 1008,
  tooBig: 1009,
  /** The peer hit an error it did not expect while handling a frame; reconnect and resume. */
  internalError: 1011,
  /** No valid hello within the hello timeout. */
  helloRequired: 4000,
  /** The client speaks a protocol version the gateway does not. */
  unsupportedVersion: 4001,
  /** The client did not read fast enough: its buffer hit the bound. Resume to continue. */
  slowConsumer: 4002,
  /** The client sent more frames per second than allowed. */
  rateLimited: 4003,
  /** No frame or heartbeat for two intervals. */
  heartbeatTimeout: 4004,
} as const;
