/** Counters the gateway keeps about itself: rejections by reason, and notable events. */
export class ServerStats {
  readonly rejected: Record<string, number> = {};
  readonly counters: Record<string, number> = {};

  /** Count a refused frame or request, by reason. */
  reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  /** Count something notable (snapshots sent, slow consumers closed, …). */
  count(what: string): void {
    this.counters[what] = (this.counters[what] ?? 0) + 1;
  }
}
