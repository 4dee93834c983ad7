/**
 * Password attempts per address: at most `attempts` failures in a sliding `windowMs`; past that,
 * every attempt from that address (right or wrong) is refused until the oldest failure leaves the
 * window, so a password cannot be guessed at network speed. Bounded: at most `maxAddresses` are
 * remembered (the oldest forgotten first), so a flood of addresses cannot grow it.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly attempts = 5,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Ms to wait before `address` may try again, or 0 when it may try now. */
  retryAfter(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.attempts) return 0;
    return recent[0]! + this.windowMs - this.now();
  }

  /** Record a wrong password from `address`. */
  failed(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.delete(address);
    this.failures.set(address, recent);
    if (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A right password clears the address's failures. */
  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }
}
