/**
 * The alert domain: severities, categories, and the events that change an alert.
 * Shared by the gateway (which journals events) and the console core (which stores them).
 * Types are derived from these schemas; nothing else defines them.
 */
import { z } from 'zod';

/** Ordered from least to most severe; `severityRank` compares them. */
export const SEVERITIES = ['info', 'warning', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Rank of a severity: info 0 … critical 3. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export const CATEGORIES = ['security', 'outage', 'performance', 'capacity', 'other'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

const shortText = z.string().max(512);
const longText = z.string().max(16_384);
/** Label maps are bounded so one hostile alert cannot inflate every row and index. */
export const LabelsSchema = z
  .record(z.string().max(128), z.string().max(1024))
  .refine((labels) => Object.keys(labels).length <= 64, 'at most 64 labels');

/** An alert's identity: stable across its lifetime (Alertmanager's fingerprint, or the source's own key). */
export const AlertIdSchema = z.string().min(1).max(256);

/** What a source says about an alert when it fires (or fires again). */
export const AlertBodySchema = z.object({
  title: shortText.min(1),
  body: longText.default(''),
  severity: SeveritySchema,
  category: CategorySchema,
  host: shortText.optional(),
  service: shortText.optional(),
  labels: LabelsSchema.default({}),
  /** A link to the alert's origin (runbook, dashboard). Rendered as text unless https. */
  url: z.string().max(2048).optional(),
  /** What to do about it: an "Open runbook" action on the notification and a link in the detail, only when https. */
  runbookUrl: z.string().max(2048).optional(),
  /**
   * More places to act on it, as the source offers them (Grafana's panel, dashboard and silence
   * pages): buttons in the detail, each shown only when its URL is https.
   */
  links: z
    .array(z.object({ title: z.string().min(1).max(64), url: z.string().max(2048) }))
    .max(8)
    .optional(),
  /** When the condition began at the source (ms since epoch). */
  startsAt: z.number().int().nonnegative(),
});
export type AlertBody = z.infer<typeof AlertBodySchema>;

const base = {
  alertId: AlertIdSchema,
  /** Where the alert came from: `demo`, `alertmanager`, `http`, … */
  source: shortText.min(1),
  /** When the gateway accepted the event (ms since epoch). */
  at: z.number().int().nonnegative(),
};
const actor = {
  /**
   * Who performed the action, as the gateway attributes it: the display name of the person whose
   * device token the console used, or "console" for a plain token (older journals: what the console said).
   */
  by: shortText.min(1),
  /** The person's id in the gateway's configuration, when a person acted (optional: older events have none). */
  byId: z.string().max(64).optional(),
  comment: longText.optional(),
  /** The idempotency key of the console action that caused this event, if any. */
  actionId: z.string().max(128).optional(),
};

/** Everything that can happen to an alert. The gateway journals these; consoles store them. */
export const AlertEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fired'), ...base, alert: AlertBodySchema }),
  z.object({ kind: z.literal('resolved'), ...base, endsAt: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('acknowledged'), ...base, ...actor }),
  z.object({ kind: z.literal('unacknowledged'), ...base, ...actor }),
  z.object({ kind: z.literal('snoozed'), ...base, ...actor, until: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('commented'), ...base, ...actor, comment: longText.min(1) }),
]);
export type AlertEvent = z.infer<typeof AlertEventSchema>;
export type AlertEventKind = AlertEvent['kind'];

/** The current state of one alert, as a snapshot or the board shows it. */
export const AlertStateSchema = z.object({
  alertId: AlertIdSchema,
  source: shortText,
  ...AlertBodySchema.shape,
  status: z.enum(['firing', 'resolved']),
  acknowledged: z.object({ by: shortText, at: z.number().int(), comment: longText.optional() }).nullable(),
  snoozedUntil: z.number().int().nullable(),
  firstSeq: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});
export type AlertState = z.infer<typeof AlertStateSchema>;
