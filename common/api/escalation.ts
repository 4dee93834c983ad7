/**
 * Escalation as a console sees it: an alert's ladder, who the console's person is to the
 * gateway (the e-mail on record, their push subscriptions), and whether the gateway can reach
 * anyone. The gateway answers these shapes over HTTP; the core validates them with these
 * schemas and hands them to the UI unchanged.
 */
import { z } from 'zod';

export const ESCALATION_CHANNELS = ['push', 'email', 'webhook'] as const;
export const EscalationChannelSchema = z.enum(ESCALATION_CHANNELS);

/** One row of a ladder: a step, for one person, by one channel. */
export const LadderRowSchema = z.object({
  step: z.number().int().nonnegative(),
  person: z.string(),
  channel: EscalationChannelSchema,
  state: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped', 'unknown']),
  dueAt: z.number().int(),
  sentAt: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type LadderRow = z.infer<typeof LadderRowSchema>;

export const EscalationLadderSchema = z.object({ alertId: z.string(), rows: z.array(LadderRowSchema).max(1000) });
export type EscalationLadder = z.infer<typeof EscalationLadderSchema>;

/** A browser's `PushSubscription.toJSON()`: what it registers with the gateway. */
export const PushSubscriptionJsonSchema = z.object({
  endpoint: z.string().url().max(2048),
  keys: z.object({ p256dh: z.string().max(128), auth: z.string().max(64) }),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJsonSchema>;

export const EscalationMeSchema = z.object({
  person: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  push: z.object({
    available: z.boolean(),
    publicKey: z.string(),
    subscriptions: z
      .array(z.object({ device: z.string(), createdAt: z.number().int(), endpoint: z.string() }))
      .max(100),
  }),
});
export type EscalationMe = z.infer<typeof EscalationMeSchema>;

export const EscalationHealthSchema = z.object({
  failing: z.boolean(),
  channels: z
    .array(
      z.object({
        channel: EscalationChannelSchema,
        lastOkAt: z.number().int().nullable(),
        lastError: z.object({ at: z.number().int(), message: z.string() }).nullable(),
        failing: z.boolean(),
      }),
    )
    .max(8),
});
export type EscalationHealth = z.infer<typeof EscalationHealthSchema>;

/** "Reach me when I'm away", per feed: who the gateway thinks this console's person is, or why it cannot say. */
export const ReachMeSchema = z.object({
  feedId: z.string(),
  feedName: z.string(),
  /** Null: this gateway has no escalation, or the feed uses a plain token (no person). */
  me: EscalationMeSchema.nullable(),
  error: z.string().optional(),
});
export type ReachMe = z.infer<typeof ReachMeSchema>;
