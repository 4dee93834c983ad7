/**
 * Actions sent to a gateway and waiting for their `action_result`. Each resolves exactly once:
 * with the gateway's answer, with a timeout, or with a failure when the link drops first, so
 * an operator's Acknowledge button never spins forever.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { ServerFrame } from '../../../common/protocol/frames.js';

/** The gateway's answer to one action (or a local failure in the same shape). */
export type ActionResult = Extract<ServerFrame, { type: 'action_result' }>;

/** The actions of one link that await an answer. */
export class PendingActions {
  private readonly waiting = new Map<string, { resolve: (r: ActionResult) => void; timer: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Register action `id`, then call `send`; resolves with its result. */
  wait(id: string, send: () => void): Promise<ActionResult> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.waiting.delete(id);
        resolve(failure(id, `no answer from the gateway within ${Math.round(this.timeoutMs / 1000)} s`));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, timer });
      send();
    });
  }

  /** Deliver a result from the gateway (unknown ids, e.g. after a timeout, are ignored). */
  settle(result: ActionResult): void {
    const entry = this.waiting.get(result.id);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.waiting.delete(result.id);
    entry.resolve(result);
  }

  /** Fail everything still waiting (the link dropped before answering). */
  failAll(message: string): void {
    for (const [id, entry] of this.waiting) {
      this.clock.clearTimeout(entry.timer);
      entry.resolve(failure(id, message));
    }
    this.waiting.clear();
  }
}

/** A local failure in the shape of a result. */
export function failure(id: string, message: string): ActionResult {
  return { type: 'action_result', id, ok: false, code: 'internal', message };
}
