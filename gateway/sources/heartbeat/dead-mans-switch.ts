/**
 * The dead-man's switch: every declared heartbeat (Alertmanager's always-firing `Watchdog`, a
 * periodic POST to `/v1/heartbeats/<name>`, an Icinga check result) must be seen within its
 * interval. When one is not, the gateway raises its own critical alert "monitoring is silent:
 * <name>", resolved when the heartbeat returns. A monitor that dies is never taken for
 * all-clear: its silence is itself an alert.
 *
 * The interval of a heartbeat never seen runs from the gateway's start. Whether the silent
 * alert is firing is read from the journal, so a gateway restarted while a monitor was silent
 * resolves that alert when the heartbeat returns, and does not raise it twice.
 *
 * In a cluster a heartbeat reaches one gateway: it is broadcast to all, so every gateway knows
 * when each monitor was last seen, and only the leader raises and resolves the alerts. A
 * gateway that becomes leader takes over at once: a monitor already silent is raised, one
 * seen again is resolved.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { soloRole, type ClusterRole } from '../../cluster/cluster-role.js';
import type { EventSink } from '../sink.js';

/** Source name of the gateway's own silence alerts. */
export const SILENCE_SOURCE = 'tocsin';
/** The alert id raised while heartbeat `name` is silent. */
export const silentAlertId = (name: string) => `tocsin:silent:${name}`;
/** How soon a journal write that failed is tried again. */
const RETRY_MS = 1_000;

/** What the switch knows of one heartbeat. */
export type HeartbeatState = { intervalMs: number; lastSeen: number | null; silent: boolean };

type Watch = HeartbeatState & { timer: TimerHandle | null; description: string };

/** Watches declared heartbeats and raises/resolves "monitoring is silent" alerts through the sink. */
export class DeadMansSwitch {
  private readonly watches = new Map<string, Watch>();
  private sink: EventSink | null = null;
  private readonly started: number;
  private readonly role: Pick<ClusterRole, 'isLeader' | 'onLeaderChange' | 'broadcast' | 'onSignal'>;

  constructor(private readonly deps: { clock: Clock; log: (message: string) => void; cluster?: ClusterRole }) {
    this.started = deps.clock.now();
    this.role = deps.cluster ?? soloRole();
    this.role.onSignal('heartbeat', (name) => this.observe(name));
    this.role.onLeaderChange((leader) => {
      if (leader) this.takeOver();
    });
  }

  /** Declare heartbeat `name`: silent once `intervalMs` passes without `beat(name)`. */
  declare(name: string, intervalMs: number, description = name): void {
    if (this.watches.has(name)) throw new Error(`heartbeat ${name} is declared twice`);
    this.watches.set(name, { intervalMs, lastSeen: null, silent: false, timer: null, description });
    if (this.sink) this.arm(name);
  }

  /** Start watching with `sink` (the gateway calls this once its journal is open). */
  start(sink: EventSink): void {
    this.sink = sink;
    for (const name of this.watches.keys()) this.arm(name);
  }

  /** Heartbeat `name` was seen now, here: every gateway of the cluster hears of it. */
  beat(name: string): void {
    if (this.watches.has(name)) this.role.broadcast('heartbeat', name);
  }

  /** Heartbeat `name` was seen now, by this gateway or another. */
  private observe(name: string): void {
    const watch = this.watches.get(name);
    if (!watch) return;
    watch.lastSeen = this.deps.clock.now();
    const wasSilent = watch.silent || this.firing(name);
    watch.silent = false;
    if (this.sink) this.arm(name);
    if (wasSilent) void this.publishResolved(name);
  }

  /** Each heartbeat's state, for statistics and tests. */
  state(): Record<string, HeartbeatState> {
    return Object.fromEntries(
      [...this.watches].map(([name, { intervalMs, lastSeen, silent }]) => [name, { intervalMs, lastSeen, silent }]),
    );
  }

  stop(): void {
    for (const watch of this.watches.values()) if (watch.timer) this.deps.clock.clearTimeout(watch.timer);
    this.sink = null;
  }

  private arm(name: string): void {
    const watch = this.watches.get(name)!;
    if (watch.timer) this.deps.clock.clearTimeout(watch.timer);
    const due = (watch.lastSeen ?? this.started) + watch.intervalMs;
    watch.timer = this.deps.clock.setTimeout(
      () => void this.fallSilent(name),
      Math.max(0, due - this.deps.clock.now()),
    );
  }

  /** This gateway just became the leader: what the last one left undone is done now. */
  private takeOver(): void {
    if (!this.sink) return;
    for (const [name, watch] of this.watches) {
      if (watch.silent && watch.timer === null) void this.fallSilent(name);
      else if (!watch.silent && this.firing(name)) void this.publishResolved(name);
    }
  }

  private firing(name: string): boolean {
    return this.sink?.alertState(silentAlertId(name))?.status === 'firing';
  }

  private async fallSilent(name: string): Promise<void> {
    const watch = this.watches.get(name)!;
    watch.timer = null;
    watch.silent = true;
    if (!this.sink || this.firing(name)) return;
    if (!this.role.isLeader())
      return this.deps.log(`heartbeat ${name}: silent (the cluster's leader raises the alert)`);
    const now = this.deps.clock.now();
    const since =
      watch.lastSeen === null
        ? 'never seen since the gateway started'
        : `last seen ${new Date(watch.lastSeen).toISOString()}`;
    try {
      await this.sink.publish([
        {
          event: {
            kind: 'fired',
            alertId: silentAlertId(name),
            source: SILENCE_SOURCE,
            at: now,
            alert: {
              title: `monitoring is silent: ${watch.description}`,
              body: `No heartbeat from ${watch.description} for ${Math.round(watch.intervalMs / 1000)} s (${since}). Its alerts may not be reaching Tocsin: check the monitor and its route to the gateway.`,
              severity: 'critical',
              category: 'outage',
              labels: { alertname: 'MonitoringSilent', heartbeat: name },
              startsAt: watch.lastSeen === null ? now : watch.lastSeen + watch.intervalMs,
            },
          },
        },
      ]);
      this.deps.log(`heartbeat ${name}: silent for ${watch.intervalMs} ms, alert raised`);
    } catch (error) {
      this.deps.log(`heartbeat ${name}: raising the silence alert failed, retrying: ${errorMessage(error)}`);
      if (this.sink && watch.silent)
        watch.timer = this.deps.clock.setTimeout(() => void this.fallSilent(name), RETRY_MS);
    }
  }

  private async publishResolved(name: string): Promise<void> {
    if (!this.sink || !this.firing(name) || !this.role.isLeader()) return;
    const now = this.deps.clock.now();
    try {
      await this.sink.publish([
        { event: { kind: 'resolved', alertId: silentAlertId(name), source: SILENCE_SOURCE, at: now, endsAt: now } },
      ]);
      this.deps.log(`heartbeat ${name}: seen again, silence alert resolved`);
    } catch (error) {
      // The next beat tries again: the journal still says the alert is firing.
      this.deps.log(`heartbeat ${name}: resolving the silence alert failed: ${errorMessage(error)}`);
    }
  }
}
