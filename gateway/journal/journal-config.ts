/**
 * The gateway configuration's `journal` section: a SQLite file (the default), or a NATS
 * JetStream stream shared by the gateways of a cluster (docs/cluster.md). Errors name the field.
 */
import { z } from 'zod';

const JETSTREAM_ONLY = ['servers', 'stream', 'tls', 'credentials', 'leaseTtlMs'] as const;

export const JournalConfigSchema = z
  .strictObject({
    kind: z.enum(['sqlite', 'jetstream']).default('sqlite'),
    /** sqlite: the journal file. jetstream: this gateway's own SQLite file (escalation, silences); optional. */
    path: z.string().optional(),
    /** The replay window: events older than this, beyond this count, or beyond this size are trimmed. */
    maxEvents: z.number().int().positive().default(1_000_000),
    maxAgeMs: z
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600_000),
    /** Approximate bytes of events kept for replay; unbounded by size when absent. */
    maxBytes: z.number().int().positive().optional(),
    /** jetstream: NATS servers, `nats://host:port` or `tls://host:port` (TLS required); any reachable one will do, give them all. */
    servers: z.array(z.string().min(1)).min(1).optional(),
    /** jetstream: the stream's name; its KV buckets are `<stream>-alerts`, `-actions` and `-leases`. */
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (at most 64)')
      .optional(),
    /** jetstream: copies of the stream and buckets (3 in a three-node cluster). */
    replicas: z.number().int().min(1).max(5).default(1),
    /** jetstream: how long the stream remembers a message id (Nats-Msg-Id) to drop a duplicate. */
    duplicateWindowMs: z.number().int().min(1_000).default(120_000),
    /** jetstream: how long a publish waits for the stream to store it before the write fails (503). */
    publishTimeoutMs: z.number().int().min(100).default(5_000),
    /** jetstream: TLS to NATS: a CA file, and a client certificate and key for mutual TLS. */
    tls: z.strictObject({ caFile: z.string(), certFile: z.string(), keyFile: z.string() }).partial().optional(),
    /** jetstream: a NATS `.creds` file (user JWT and NKey seed). */
    credentials: z.string().optional(),
    /** jetstream: how long a dead leader's lease lasts before another gateway takes its work over (default 10 s). */
    leaseTtlMs: z.number().int().min(1_000).max(300_000).optional(),
  })
  .superRefine((journal, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (journal.kind === 'sqlite') {
      if (journal.path === undefined) issue('path', 'a sqlite journal needs a path');
      for (const key of JETSTREAM_ONLY)
        if (journal[key] !== undefined) issue(key, 'only for a journal of kind "jetstream"');
      return;
    }
    if (journal.servers === undefined) issue('servers', 'a jetstream journal needs its NATS servers');
    if (journal.stream === undefined) issue('stream', 'a jetstream journal needs a stream name');
    if (journal.duplicateWindowMs > journal.maxAgeMs) issue('duplicateWindowMs', 'must not exceed maxAgeMs');
    // NATS keeps max_age in nanoseconds in an int64; a larger value reached it as "invalid JSON".
    if (journal.maxAgeMs > MAX_STREAM_AGE_MS) issue('maxAgeMs', 'at most 100 years for a jetstream journal');
  });

/** The longest replay window a stream takes (its max_age is nanoseconds in an int64: about 292 years). */
const MAX_STREAM_AGE_MS = 100 * 365 * 24 * 3600_000;

export type JournalConfig = z.output<typeof JournalConfigSchema>;
