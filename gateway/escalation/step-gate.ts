/**
 * Where the escalator asks before each send and tells after it, in a cluster: the gateways agree
 * on each step through a shared ledger (cluster-steps.ts). A lone gateway has no gate.
 */
import type { FiredEvent } from './ladder.js';
import type { StepRow } from './store.js';

/** How the gateways of a cluster agree on each step. */
export interface StepGate {
  isLeader(): boolean;
  /**
   * Claim the row's next attempt. Not granted: the row now holds what the cluster recorded
   * (sent, skipped, a retry due later, `unknown` when its sender died mid-send).
   */
  claim(
    row: StepRow,
    fired: FiredEvent,
    now: number,
  ): Promise<{ ok: true; attempts: number } | { ok: false; unknown?: boolean }>;
  /** Record what became of an attempt this gateway claimed. */
  record(
    row: StepRow,
    fired: FiredEvent,
    outcome: {
      state: 'sent' | 'failed' | 'retrying' | 'cancelled' | 'skipped';
      attempts: number;
      at: number;
      dueAt?: number;
      error?: string;
    },
  ): Promise<void>;
}
