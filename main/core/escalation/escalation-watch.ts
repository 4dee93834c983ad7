/**
 * Asks each live feed's gateway, every minute, whether escalation can reach anyone, and keeps
 * a line for the status bar while it cannot ("the gateway cannot reach anyone: e-mail: 550 …").
 * A gateway without escalation, or one that cannot be asked, adds nothing: the feed's own
 * status already says when a gateway is unreachable.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { EscalationHealth } from '../../../common/api/escalation.js';
import type { GatewayEscalation } from './gateway-escalation.js';

const CHANNEL_WORDS = { push: 'Web Push', email: 'e-mail', webhook: 'webhook' } as const;

/** The status bar's line for a health report, or undefined when escalation works. */
export function escalationFailingLine(health: EscalationHealth): string | undefined {
  if (!health.failing) return undefined;
  const reasons = health.channels
    .filter((c) => c.failing && c.lastError)
    .map((c) => `${CHANNEL_WORDS[c.channel]}: ${c.lastError!.message}`);
  return `escalation cannot reach anyone (${reasons.join('; ')})`;
}

/** Polls the gateways' escalation health. */
export class EscalationWatch {
  private readonly lines = new Map<string, string>();
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly gateways: ReadonlyMap<string, GatewayEscalation>,
    private readonly deps: {
      clock: Clock;
      isLive: (feedId: string) => boolean;
      onChange: (feedId: string) => void;
      intervalMs?: number;
    },
  ) {}

  /** Poll now and every interval until `stop`. */
  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
  }

  /** The status bar's line for a feed, while its gateway cannot reach anyone. */
  line(feedId: string): string | undefined {
    return this.lines.get(feedId);
  }

  /** One round over the live feeds. */
  async poll(): Promise<void> {
    await Promise.all(
      [...this.gateways].map(async ([feedId, gateway]) => {
        if (!this.deps.isLive(feedId)) return;
        const health = await gateway.health();
        const line = health.ok && health.value ? escalationFailingLine(health.value) : undefined;
        if (line === this.lines.get(feedId)) return;
        if (line) this.lines.set(feedId, line);
        else this.lines.delete(feedId);
        this.deps.onChange(feedId);
      }),
    );
    if (!this.stopped) this.timer = this.deps.clock.setTimeout(() => void this.poll(), this.deps.intervalMs ?? 60_000);
  }
}
