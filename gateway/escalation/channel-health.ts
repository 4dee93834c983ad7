/**
 * Whether the gateway can reach anyone: per channel, when a send last worked and how the last
 * one failed. A channel is failing when its latest outcome is a failure; escalation as a whole
 * is failing when every channel tried is. Failures that say something about one person (no
 * push subscription) rather than the channel are left out: they are on that alert's timeline.
 */
import type { Result } from '../../common/result.js';
import type { ChannelName } from './ladder.js';

/** Failure codes that are about the person, not the channel's reachability. */
const PERSONAL_FAILURES = new Set(['no_subscription']);

/** One channel's state, as consoles are told it. */
export type ChannelState = {
  channel: ChannelName;
  lastOkAt: number | null;
  lastError: { at: number; message: string } | null;
  failing: boolean;
};

/** What `GET /v1/escalation/health` answers. */
export type EscalationHealth = { failing: boolean; channels: ChannelState[] };

/** Records each send's outcome by channel. */
export class ChannelHealth {
  private readonly states = new Map<ChannelName, ChannelState>();

  constructor(configured: readonly ChannelName[]) {
    for (const channel of configured) {
      this.states.set(channel, { channel, lastOkAt: null, lastError: null, failing: false });
    }
  }

  /** Record how a send by `channel` went at `at`. */
  record(channel: ChannelName, result: Result<unknown>, at: number): void {
    const state = this.states.get(channel) ?? { channel, lastOkAt: null, lastError: null, failing: false };
    if (result.ok) {
      state.lastOkAt = at;
      state.failing = false;
    } else if (!PERSONAL_FAILURES.has(result.code)) {
      state.lastError = { at, message: result.message };
      state.failing = true;
    }
    this.states.set(channel, state);
  }

  /** Every configured channel's state; failing when each channel that has been tried is failing. */
  report(): EscalationHealth {
    const channels = [...this.states.values()].map((s) => ({ ...s }));
    const tried = channels.filter((s) => s.lastOkAt !== null || s.lastError !== null);
    return { failing: tried.length > 0 && tried.every((s) => s.failing), channels };
  }
}
