/** A token bucket: `perSecond` frames a second on average, bursts of up to twice that. */
export class FrameRateLimit {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond * 2;
    this.lastRefill = now;
  }

  /** Take one token; false when the peer is over its rate. */
  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.lastRefill) / 1000) * this.perSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
