/**
 * `icinga` in the gateway configuration (optional): Icinga 2's API event stream, reconciled
 * from its objects on every (re)connect, with acknowledgements both ways.
 */
import { z } from 'zod';
import { LabelMappingSchema } from '../alertmanager/mapping.js';
import { IntervalSchema } from '../heartbeat/install.js';

/** Icinga's state names are the severity values: services critical/warning/unknown, hosts down. */
export const ICINGA_MAPPING_DEFAULTS = {
  severityLabels: ['severity', 'state'],
  severity: { critical: ['critical', 'down'], high: ['unknown', 'unreachable'], warning: ['warning'] },
};

export const IcingaConfigSchema = z.strictObject({
  /** The API's base URL, e.g. https://icinga.example:5665 (TLS only). */
  url: z.url({ protocol: /^https$/ }),
  /** An ApiUser with the permissions listed in docs/sources.md. */
  username: z.string().min(1),
  password: z.string().min(1),
  /** Icinga's own CA (`/var/lib/icinga2/certs/ca.crt`, written by `icinga2 api setup`); absent: the system's CAs. */
  caFile: z.string().optional(),
  /** The name in Icinga's certificate (its NodeName), when the URL's host is not it (an IP address). */
  serverName: z.string().optional(),
  /** The event stream's queue name: one per gateway. */
  queue: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('tocsin'),
  /** Soft states are Icinga retrying a check: by default only hard states raise alerts. */
  hardStatesOnly: z.boolean().default(true),
  /** Reconnect backoff: from the first to the largest delay, doubling. */
  reconnectMinMs: z.number().int().min(10).default(1_000),
  reconnectMaxMs: z.number().int().min(10).default(30_000),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * Reconcile from Icinga's objects this often while the stream is open (0: only on connect). A
   * change the stream never delivered is journaled then, and the stream is opened anew.
   */
  reconcileEveryMs: z.union([z.literal(0), z.number().int().min(1_000)]).default(300_000),
  /** The comment of an acknowledgement made in Tocsin without one (Icinga requires a comment). */
  ackComment: z.string().min(1).max(1024).default('Acknowledged in Tocsin'),
  /** Any check result (or only `check`, `host` or `host!service`) within the interval is the heartbeat. */
  heartbeat: z.strictObject({ intervalMs: IntervalSchema, check: z.string().min(1).optional() }).optional(),
  mapping: LabelMappingSchema.prefault(ICINGA_MAPPING_DEFAULTS),
});
export type IcingaConfig = z.output<typeof IcingaConfigSchema>;
export type IcingaConfigInput = z.input<typeof IcingaConfigSchema>;
