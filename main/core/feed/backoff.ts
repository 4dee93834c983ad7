/**
 * Reconnect delays: full-jitter exponential backoff (AWS architecture blog, "Exponential
 * Backoff and Jitter"): a random delay in [0, min(cap, base·2^attempt)], so a gateway restart
 * does not bring every console back in the same second. Reset after a stable minute.
 */
export type BackoffPolicy = { baseMs: number; capMs: number; stableAfterMs: number };

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000, stableAfterMs: 60_000 };

/** The delay before reconnect attempt `attempt` (0-based), given a random number in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}
