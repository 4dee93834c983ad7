/**
 * What a console's action sent to a monitor (an acknowledgement written to Nagios, Icinga or
 * Zabbix) and that monitor is expected to report back, per alert, for a while: the report is
 * Tocsin's own echo and is not journaled twice. A send that fails is not awaited (the monitor
 * never had it, so what it reports next is someone else's), and marks past their time are
 * forgotten as new ones are made, so the map holds only the recent sends.
 */
export class AwaitedEchoes<T = true> {
  private readonly marks = new Map<string, { value: T; until: number }>();

  constructor(private readonly ttlMs: number) {}

  /** Mark `value` as awaited for `alertId` while `send` runs and `ttlMs` after; unmarked if `send` fails. */
  async sending<R>(alertId: string, value: T, now: number, send: () => Promise<R>): Promise<R> {
    for (const [id, mark] of this.marks) if (mark.until < now) this.marks.delete(id);
    // Marked before sending: the monitor may report it before the send returns.
    this.marks.set(alertId, { value, until: now + this.ttlMs });
    try {
      return await send();
    } catch (error) {
      this.marks.delete(alertId);
      throw error;
    }
  }

  /** The value awaited for `alertId` at `now`, if any (one past its time is forgotten). */
  awaited(alertId: string, now: number): T | undefined {
    const mark = this.marks.get(alertId);
    if (mark === undefined) return undefined;
    if (mark.until >= now) return mark.value;
    this.marks.delete(alertId);
    return undefined;
  }

  /** How many sends are awaited (past ones not yet forgotten included). */
  get size(): number {
    return this.marks.size;
  }
}
