/**
 * Whether native notifications reach the user, as a status the UI and the tray can show: a
 * broken notification path (no notification server, no notify-send) is loud, never silent.
 */
import { z } from 'zod';

/** Why alerts were not notified, counted. Every alert is in the history whatever happens here. */
export const SuppressedSchema = z.object({
  window: z.number().int(),
  filtered: z.number().int(),
  cooldown: z.number().int(),
  quiet_hours: z.number().int(),
  snoozed: z.number().int(),
  paused: z.number().int(),
  capped: z.number().int(),
  digested: z.number().int(),
});
/** Counts of alerts not notified, by reason. */
export type Suppressed = z.infer<typeof SuppressedSchema>;

/** The notification path's health. */
export const NotificationHealthSchema = z.object({
  /** native: notifications are shown by the OS; off: this console was started without them (--no-notifications). */
  mode: z.enum(['native', 'off']),
  /** idle: nothing sent yet; ok: the last notification was shown; failing: the last one was not. */
  state: z.enum(['idle', 'ok', 'failing']),
  shown: z.number().int(),
  failed: z.number().int(),
  lastShownAt: z.number().int().nullable(),
  lastFailure: z.object({ at: z.number().int(), reason: z.string() }).nullable(),
  /** A limitation of the notification server (e.g. it shows no action buttons), or null. */
  warning: z.string().nullable(),
  suppressed: SuppressedSchema,
  /** Why Tocsin's own sounds are not heard (no player, no sound server), or null when the last one played. */
  soundProblem: z.string().nullable().optional(),
  /** Alerts shown on their own, at once, while another storm was being gathered or capped. */
  breakthroughs: z.number().int().optional(),
});
/** The notification path's health (see NotificationHealthSchema). */
export type NotificationHealth = z.infer<typeof NotificationHealthSchema>;

/** No alert suppressed yet. */
export function noneSuppressed(): Suppressed {
  return { window: 0, filtered: 0, cooldown: 0, quiet_hours: 0, snoozed: 0, paused: 0, capped: 0, digested: 0 };
}
