/**
 * The escalator's gate in a cluster: only the leader sends, each attempt claimed in the shared
 * ledger first; a step the cluster already settled is taken on as it is, never sent again.
 */
import type { StepGate } from './step-gate.js';
import type { FiredEvent } from './ladder.js';
import { StepLedger } from './step-ledger.js';
import type { EscalationStore, StepRow } from './store.js';

export class ClusterStepGate implements StepGate {
  constructor(
    private readonly ledger: StepLedger,
    private readonly store: EscalationStore,
    readonly isLeader: () => boolean,
  ) {}

  async claim(
    row: StepRow,
    fired: FiredEvent,
    now: number,
  ): Promise<{ ok: true; attempts: number } | { ok: false; unknown?: boolean }> {
    const key = StepLedger.key(row, fired.at);
    const claim = await this.ledger.claim(key, now);
    if (claim.ok) return claim;
    const { record, revision } = claim;
    if (record.state === 'sending') {
      // Its sender died mid-send, or lost the lead while sending: maybe delivered, never resent.
      const first = await this.ledger.markUnknown(key, record, revision, now);
      this.store.adopt(row.id, { ...record, state: 'unknown' });
      return { ok: false, unknown: first };
    }
    this.store.adopt(row.id, { ...record, state: record.state === 'retrying' ? 'pending' : record.state });
    return { ok: false };
  }

  record(row: StepRow, fired: FiredEvent, outcome: Parameters<StepGate['record']>[2]): Promise<void> {
    return this.ledger.record(StepLedger.key(row, fired.at), outcome);
  }
}
