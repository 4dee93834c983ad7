/**
 * Reconnect delays: full-jitter exponential backoff (AWS architecture blog, "Exponential
 * Backoff and Jitter"): a random delay in [0, min(cap, base·2^attempt)], so a gateway restart
 * does not bring every console back in the same second. Reset after a stable minute.
 *
 * After losing a link that was live, the first retry is spread over [0, afterLiveMs): that is
 * the moment every console of a restarted gateway loses its link at once (with 1 s, the
 * 200-console storm test saw 55% of them come back within the same second, 3.5× the mean).
 * A console whose spread retry came too early (the gateway still down) tries again in the
 * *next* window, [afterLiveMs, 2·afterLiveMs) after the loss, rather than piling onto the
 * consoles still arriving in the first; after that the exponential schedule goes on.
 */
export type BackoffPolicy = { baseMs: number; capMs: number; stableAfterMs: number; afterLiveMs?: number };

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1_000,
  capMs: 30_000,
  stableAfterMs: 60_000,
  afterLiveMs: 5_000,
};

/**
 * The delay before reconnect attempt `attempt` (0-based). `lostLiveAt`: when the live link this
 * run of attempts began with was lost, or null if it did not begin with one.
 */
export function reconnectDelay(
  policy: BackoffPolicy,
  attempt: number,
  lostLiveAt: number | null,
  now: number,
  random: number,
): number {
  const spread = policy.afterLiveMs;
  if (spread !== undefined && lostLiveAt !== null && attempt <= 1) {
    return attempt === 0
      ? Math.floor(random * spread)
      : Math.max(0, lostLiveAt + spread - now) + Math.floor(random * spread);
  }
  return backoffDelay(policy, attempt, random);
}

/** Full jitter: a random delay in [0, min(cap, base·2^attempt)), given a random number in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}
