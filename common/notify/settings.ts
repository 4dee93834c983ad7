/**
 * Notification settings: every part is a user setting with
 * a sensible default. Defaults: native notifications for security and outage alerts of
 * severity high or above while the window is hidden or minimised.
 */
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../protocol/alert.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour)');

/**
 * A sound by name: "tocsin" for Tocsin's own sound for that severity (played by Tocsin, heard
 * whatever the notification server does with sounds), a freedesktop sound name on Linux (e.g.
 * "alarm-clock-elapsed", which some servers such as dunst ignore), a system sound on macOS (e.g.
 * "Basso"), or "default" for the platform's notification sound.
 */
const soundName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a sound name (letters, digits, . _ -)');

/** The user's notification rules; absent fields take the defaults. */
export const NotificationSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  categories: z.array(CategorySchema).max(8).default(['security', 'outage']),
  minSeverity: SeveritySchema.default('high'),
  /** When to notify: the window hidden, minimised, or merely unfocused. */
  when: z
    .object({
      hidden: z.boolean().default(true),
      minimized: z.boolean().default(true),
      unfocused: z.boolean().default(false),
    })
    .default({ hidden: true, minimized: true, unfocused: false }),
  /** One alert notifies at most once per cooldown (a flapping alert fires new episodes). */
  cooldownMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .default(10 * 60_000),
  /** More than this many notifications within the digest window become one digest. */
  digestThreshold: z.number().int().min(1).max(1000).default(5),
  digestWindowMs: z.number().int().min(1000).max(3600_000).default(60_000),
  /** In a burst, alerts gather this long and then arrive as one digest. */
  digestDelayMs: z.number().int().min(0).max(600_000).default(5_000),
  /** A hard cap: never more than this many notifications in any minute. Everything is still logged. */
  capPerMinute: z.number().int().min(1).max(120).default(10),
  /** Local wall-clock times; a start after the end spans midnight. Critical alerts may bypass. */
  quietHours: z
    .object({
      enabled: z.boolean().default(false),
      start: clockTime.default('22:00'),
      end: clockTime.default('07:00'),
      criticalBypass: z.boolean().default(true),
    })
    .default({ enabled: false, start: '22:00', end: '07:00', criticalBypass: true }),
  /** A sound per severity; a severity without one is silent. Default: Tocsin's own for critical and high. */
  sounds: z
    .object({
      info: soundName.optional(),
      warning: soundName.optional(),
      high: soundName.optional(),
      critical: soundName.optional(),
    })
    .strict()
    .default({ critical: 'tocsin', high: 'tocsin' }),
  /**
   * Alerts that fired while this console was disconnected arrive as a replay when it resumes.
   * Those that fired within this long and are still firing notify like live ones (digests and
   * the cap apply); older ones only enter the history. 0: replays never notify.
   */
  missedWithinMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .default(15 * 60_000),
  /** Losing a feed for longer than this is itself a notification (and its return another). */
  feedLossAfterMs: z.number().int().min(5_000).max(3600_000).default(60_000),
});

/** Notification settings after defaults are applied. */
export type NotificationSettings = z.output<typeof NotificationSettingsSchema>;

/** The defaults, as the policy sees them with no settings file. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = NotificationSettingsSchema.parse({});
