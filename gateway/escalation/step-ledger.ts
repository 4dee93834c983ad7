/**
 * Escalation steps in a cluster: every gateway plans each alert's ladder from the shared stream,
 * but a step is sent only by the leader, and only after it claimed the step in a map every
 * gateway shares (compare-and-set: one claim wins). What happened to each step is recorded
 * there, so a gateway that becomes leader adopts it instead of sending again: a step claimed and
 * never settled (its leader died mid-send) may have been delivered, and becomes `unknown`, never
 * resent, exactly as on a lone gateway after a crash.
 */
import { createHash } from 'node:crypto';
import type { SharedMap } from '../cluster/cluster-role.js';
import type { StepRow } from './store.js';

/** What the cluster recorded of one step. */
export type LedgerRecord = {
  state: 'sending' | 'sent' | 'failed' | 'retrying' | 'cancelled' | 'skipped' | 'unknown';
  /** Attempts made so far (the one under way included, while `sending`). */
  attempts: number;
  /** `retrying`: when the next attempt is due. */
  dueAt?: number;
  error?: string;
  at: number;
  /** The gateway that wrote it. */
  by: string;
};

/** The claim of a step's next attempt: granted, or what another gateway recorded (and its revision). */
export type StepClaim = { ok: true; attempts: number } | { ok: false; record: LedgerRecord; revision: number };

/** The shared record of every step of every ladder. */
export class StepLedger {
  constructor(
    private readonly map: SharedMap<LedgerRecord>,
    private readonly gateway: string,
  ) {}

  /** A step's key: the same on every gateway, however its local row is numbered. */
  static key(row: Pick<StepRow, 'alert_id' | 'policy' | 'step' | 'person' | 'channel'>, firedAt: number): string {
    return createHash('sha256')
      .update([row.alert_id, firedAt, row.policy, row.step, row.person, row.channel].join('\n'))
      .digest('hex');
  }

  /** Claim the step's next attempt at `now`: granted when nobody has, or when a retry fell due. */
  async claim(key: string, now: number): Promise<StepClaim> {
    for (let tries = 0; tries < 5; tries++) {
      const current = await this.map.read(key);
      if (current && !(current.value.state === 'retrying' && (current.value.dueAt ?? 0) <= now))
        return { ok: false, record: current.value, revision: current.revision };
      const attempts = (current?.value.attempts ?? 0) + 1;
      const claimed = { state: 'sending' as const, attempts, at: now, by: this.gateway };
      if (await this.map.putIf(key, claimed, current?.revision ?? null)) return { ok: true, attempts };
    }
    throw new Error(`escalation step ${key}: its claim changed under this gateway five times`);
  }

  /** Record what became of an attempt this gateway claimed. */
  record(key: string, record: Omit<LedgerRecord, 'by'>): Promise<void> {
    return this.map.put(key, { ...record, by: this.gateway });
  }

  /** Mark a step left `sending` by another gateway as `unknown`; true for the one gateway that did. */
  markUnknown(key: string, found: LedgerRecord, revision: number, now: number): Promise<boolean> {
    return this.map.putIf(key, { ...found, state: 'unknown', at: now, by: this.gateway }, revision);
  }

  /** What the cluster recorded of a step, if anything. */
  peek(key: string): Promise<LedgerRecord | undefined> {
    return this.map.get(key);
  }
}
