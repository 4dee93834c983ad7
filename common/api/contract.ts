/**
 * The renderer's `api` contract: every operation the UI can ask of the core, with its
 * request and response schemas, and the update stream the core pushes to the UI.
 *
 * One source of truth: the preload, the Electron IPC handlers and the
 * browser console's adapter are all derived from `apiOperations`, so an operation without
 * a handler is a compile error. Requests are validated in the main side before any handler
 * runs; every answer is a `Result` envelope, never a thrown error across the boundary.
 */
import { z } from 'zod';
import { AlertStateSchema, CategorySchema, SeveritySchema } from '../protocol/alert.js';
import { NotificationHealthSchema } from '../notify/health.js';
import { MetricSampleSchema } from '../protocol/metrics.js';
import { SettingsSchema } from '../settings/schema.js';
import { EscalationLadderSchema, PushSubscriptionJsonSchema, ReachMeSchema } from './escalation.js';

/** Result envelope for every operation. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };
export const ERROR_CODES = ['invalid_request', 'forbidden', 'not_found', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Filters shared by the board and the history. Every field narrows; absent means "any". */
export const AlertFilterSchema = z.object({
  severities: z.array(SeveritySchema).max(8).optional(),
  categories: z.array(CategorySchema).max(8).optional(),
  sources: z.array(z.string().max(256)).max(32).optional(),
  status: z.enum(['firing', 'resolved', 'any']).optional(),
  acknowledged: z.boolean().optional(),
  text: z.string().max(512).optional(),
  label: z.object({ name: z.string().max(128), value: z.string().max(1024) }).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});
export type AlertFilter = z.infer<typeof AlertFilterSchema>;

/** One alert as the console knows it: its current state plus which feed it came from. */
export const AlertRowSchema = AlertStateSchema.extend({ feedId: z.string() });
export type AlertRow = z.infer<typeof AlertRowSchema>;

export const TimelineEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  kind: z.enum(['fired', 'resolved', 'acknowledged', 'unacknowledged', 'snoozed', 'commented', 'notified']),
  by: z.string().optional(),
  comment: z.string().optional(),
  detail: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** Alerts fired in one minute (from the store's rollup), for charts. */
export const MinuteCountSchema = z.object({
  t: z.number().int(),
  total: z.number().int(),
  bySeverity: z.record(z.string(), z.number().int()),
});
export type MinuteCount = z.infer<typeof MinuteCountSchema>;

/** One chart point of a metric: the samples in [t, t + stepMs) averaged, with their extremes. */
export const MetricPointSchema = z.object({ t: z.number().int(), avg: z.number(), min: z.number(), max: z.number() });
export type MetricPoint = z.infer<typeof MetricPointSchema>;

/** A chart window's points for each requested series, at one step for all. */
export const MetricRangeSchema = z.object({
  stepMs: z.number().int(),
  series: z.array(z.object({ series: z.string(), points: z.array(MetricPointSchema) })),
});
export type MetricRange = z.infer<typeof MetricRangeSchema>;

/** A series the metric history knows, with its latest value. */
export const MetricSeriesInfoSchema = z.object({
  series: z.string(),
  metric: z.string(),
  host: z.string().optional(),
  service: z.string().optional(),
  unit: z.string().optional(),
  lastT: z.number().int(),
  lastValue: z.number(),
});
export type MetricSeriesInfo = z.infer<typeof MetricSeriesInfoSchema>;

/** The chart windows the metric history serves. */
export const METRIC_WINDOWS = { '5m': 5 * 60_000, '1h': 3600_000, '24h': 24 * 3600_000 } as const;

/**
 * Set on every feed while the console's core is down and being restarted: the feed is shown
 * disconnected, and the status bar says why, loudly (`failing`: it keeps dying). The restarted
 * core's own statuses, which carry no `core`, replace these.
 */
export const CoreOutageSchema = z.object({
  state: z.enum(['restarting', 'failing']),
  reason: z.string(),
  /** Failures within the recent window (the supervisor's "keeps failing" threshold counts these). */
  failures: z.number().int(),
  /** When the next start is attempted, or null if one is under way. */
  nextRetryAt: z.number().int().nullable(),
});
export type CoreOutage = z.infer<typeof CoreOutageSchema>;

/** What the UI (and the tray, and the status bar) must know about each feed's link. */
export const FeedStatusSchema = z.object({
  feedId: z.string(),
  name: z.string(),
  url: z.string(),
  embedded: z.boolean(),
  state: z.enum(['connecting', 'live', 'stale', 'disconnected', 'resyncing']),
  /** When the current state began (ms since epoch). */
  since: z.number().int(),
  /** When disconnected: when the next attempt happens. */
  nextRetryAt: z.number().int().nullable(),
  lastSeq: z.number().int(),
  lastError: z.string().nullable(),
  /** Frames that failed validation or had unknown types, by reason. */
  rejected: z.record(z.string(), z.number().int()),
  /** Set while the feed's gateway reports that escalation cannot reach anyone (every channel tried is failing). */
  escalationFailing: z.string().optional(),
  /** Present only while the console's core is down: the status above is the supervisor's, not the feed's. */
  core: CoreOutageSchema.optional(),
});
export type FeedStatus = z.infer<typeof FeedStatusSchema>;

/** A batch of changes, coalesced by the core and applied by the UI once per frame. */
export const UiUpdateSchema = z.object({
  alerts: z.array(AlertRowSchema),
  metrics: z.array(MetricSampleSchema),
  feeds: z.array(FeedStatusSchema),
  /** Show this alert (a notification's Open action, or a click on it). */
  focus: z.object({ feedId: z.string(), alertId: z.string() }).optional(),
  /** Show the board with exactly these alerts (Open on a digest: the alerts it named and counted). */
  focusSet: z.object({ alerts: z.array(z.object({ feedId: z.string(), alertId: z.string() })).max(10_000) }).optional(),
  /** Whether native notifications reach the user, sent when a delivery succeeds or fails; absent: no news. */
  notifications: NotificationHealthSchema.optional(),
});
export type UiUpdate = z.infer<typeof UiUpdateSchema>;

const empty = z.object({}).strict();
const alertRef = z.object({ feedId: z.string().max(128), alertId: z.string().min(1).max(256) });

/**
 * Every operation: name → request and response schema. Each becomes one method of
 * `TocsinApi`; its Electron channel is `tocsin:<name>`; the browser console sends `{op, request}`.
 */
export const apiOperations = {
  activeAlerts: { request: AlertFilterSchema, response: z.array(AlertRowSchema) },
  acknowledge: {
    request: alertRef.extend({ comment: z.string().max(16_384).optional() }),
    response: z.object({ seq: z.number().int().optional() }),
  },
  unacknowledge: { request: alertRef, response: z.object({ seq: z.number().int().optional() }) },
  snooze: {
    request: alertRef.extend({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
    }),
    response: z.object({ seq: z.number().int().optional() }),
  },
  comment: {
    request: alertRef.extend({ text: z.string().min(1).max(16_384) }),
    response: z.object({ seq: z.number().int().optional() }),
  },
  timeline: { request: alertRef, response: z.array(TimelineEntrySchema) },
  searchHistory: {
    request: z.object({
      filter: AlertFilterSchema,
      limit: z.number().int().min(1).max(1000).default(100),
      /** Keyset paging: rows strictly older than this cursor. */
      before: z.object({ at: z.number().int(), seq: z.number().int() }).optional(),
    }),
    response: z.object({ rows: z.array(AlertRowSchema), total: z.number().int() }),
  },
  feedStatus: { request: empty, response: z.array(FeedStatusSchema) },
  /** Whether native notifications reach the user (null: this console has no notification center). */
  notificationHealth: { request: empty, response: NotificationHealthSchema.nullable() },
  minuteCounts: {
    request: z
      .object({ from: z.number().int(), to: z.number().int() })
      .refine((r) => r.to > r.from && r.to - r.from <= 31 * 24 * 3600_000, 'a range of at most 31 days'),
    response: z.array(MinuteCountSchema),
  },
  getSettings: { request: empty, response: z.object({ settings: SettingsSchema, problems: z.array(z.string()) }) },
  /** The candidate is validated by the core, which answers with an error per field rather than refusing the call. */
  updateSettings: {
    request: z.object({ settings: z.unknown() }),
    response: z.object({
      saved: z.boolean(),
      errors: z.record(z.string(), z.string()),
      restartNeeded: z.boolean(),
      settings: SettingsSchema,
    }),
  },
  exportHistory: {
    request: z.object({
      filter: AlertFilterSchema,
      format: z.enum(['csv', 'json']),
      limit: z.number().int().min(1).max(100_000).default(100_000),
    }),
    response: z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  },
  /** Every metric series in the history, with its latest value (the dashboards' list after a restart). */
  metricSeries: { request: empty, response: z.array(MetricSeriesInfoSchema) },
  /** Points for up to 64 series over a chart window ending at `to` (default: now), about 360 per series. */
  metricRange: {
    request: z.object({
      series: z.array(z.string().min(1).max(512)).min(1).max(64),
      window: z.enum(['5m', '1h', '24h']),
      to: z.number().int().optional(),
    }),
    response: MetricRangeSchema,
  },
  /** The alert's escalation ladder at its feed's gateway (null: no escalation there, or a plain token). */
  escalationLadder: { request: alertRef, response: EscalationLadderSchema.nullable() },
  /** "Reach me when I'm away": per feed, the person, e-mail on record and push subscriptions. */
  reachMe: { request: empty, response: z.array(ReachMeSchema) },
  /** Register this browser's push subscription with a feed's gateway, for the feed token's person. */
  pushSubscribe: {
    request: z.object({
      feedId: z.string().max(128),
      subscription: PushSubscriptionJsonSchema,
      device: z.string().min(1).max(128),
    }),
    response: empty,
  },
  pushUnsubscribe: {
    request: z.object({ feedId: z.string().max(128), endpoint: z.string().min(1).max(2048) }),
    response: empty,
  },
  /** Ask a feed's gateway to send a test push to every subscription of the person. */
  pushTest: {
    request: z.object({ feedId: z.string().max(128) }),
    response: z.object({ delivered: z.boolean(), detail: z.string() }),
  },
} as const;

export type ApiOperations = typeof apiOperations;
export type OperationName = keyof ApiOperations;
export type RequestOf<N extends OperationName> = z.input<ApiOperations[N]['request']>;
export type ResponseOf<N extends OperationName> = z.output<ApiOperations[N]['response']>;

/**
 * The interface the renderer talks to. Provided by the preload in Electron and by the
 * browser console's adapter in a browser; the renderer never knows which.
 */
export type TocsinApi = {
  readonly [N in OperationName]: (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>>;
} & {
  /** Subscribe to batched updates; returns the unsubscribe function. */
  onUpdate(listener: (update: UiUpdate) => void): () => void;
};

/** The names of all operations, in a stable order (for deriving adapters). */
export const OPERATION_NAMES = Object.keys(apiOperations) as OperationName[];

/** The core's side of the contract: one handler per operation, given a validated request. */
export type ApiHandlers = {
  readonly [N in OperationName]: (request: z.output<ApiOperations[N]['request']>) => Promise<ResponseOf<N>>;
};
