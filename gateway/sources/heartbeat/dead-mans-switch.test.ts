/**
 * The dead-man's switch with an injected clock: a heartbeat route, Alertmanager's Watchdog, a
 * heartbeat never seen, a journal that fails, and a gateway restarted while a monitor is silent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { startGateway, type Gateway } from '../../gateway.js';
import type { GatewayConfigInput } from '../../config.js';
import type { EventSink, SinkEntry } from '../sink.js';
import { DeadMansSwitch, silentAlertId } from './dead-mans-switch.js';
import { soloRole, type ClusterRole } from '../../cluster/cluster-role.js';
import type { AlertState } from '../../../common/protocol/alert.js';

const TOKEN = 'console-token-0123456789';
const open: Gateway[] = [];
afterEach(async () => {
  for (const g of open.splice(0).reverse()) await g.close();
});

async function gateway(clock: ManualClock, config: Partial<GatewayConfigInput>, journalPath?: string) {
  const path = journalPath ?? join(mkdtempSync(join(tmpdir(), 'tocsin-hb-')), 'journal.sqlite');
  const g = await startGateway(
    { listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal: { path }, ...config },
    { clock },
  );
  open.push(g);
  return { g, path };
}

const post = (g: Gateway, path: string, body: unknown = {}) =>
  fetch(`http://127.0.0.1:${g.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const watchdog = (status: 'firing' | 'resolved' = 'firing') => ({
  version: '4',
  status,
  receiver: 'tocsin',
  alerts: [
    {
      status,
      labels: { alertname: 'Watchdog', severity: 'none' },
      annotations: { summary: 'An alert that should always be firing' },
      startsAt: '2026-12-04T10:00:00Z',
      fingerprint: 'e5c0b7b3a1d2f400',
    },
  ],
});

/** Let the switch's asynchronous journal writes settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("the dead-man's switch", () => {
  it('raises "monitoring is silent" after the interval of a POSTed heartbeat, and resolves when it returns', async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
    const { g } = await gateway(clock, {
      heartbeats: { backup: { intervalMs: 60_000, description: 'nightly backup' } },
    });
    expect((await post(g, '/v1/heartbeats/backup')).status).toBe(204);
    clock.advance(59_000);
    await settle();
    expect(g.journal.alertState(silentAlertId('backup'))).toBeUndefined();
    expect((await post(g, '/v1/heartbeats/backup')).status).toBe(204);
    clock.advance(59_000);
    await settle();
    expect(g.journal.alertState(silentAlertId('backup'))).toBeUndefined();
    clock.advance(1_001);
    await settle();
    expect(g.journal.alertState(silentAlertId('backup'))).toMatchObject({
      status: 'firing',
      severity: 'critical',
      source: 'tocsin',
      title: 'monitoring is silent: nightly backup',
    });
    // Still silent: raised once, not again at every interval.
    const last = g.journal.bounds().last;
    clock.advance(600_000);
    await settle();
    expect(g.journal.bounds().last).toBe(last);
    expect((await post(g, '/v1/heartbeats/backup')).status).toBe(204);
    await settle();
    expect(g.journal.alertState(silentAlertId('backup'))?.status).toBe('resolved');
    expect((await fetch(`http://127.0.0.1:${g.port}/v1/heartbeats/backup`, { method: 'POST' })).status).toBe(401);
  });

  it("takes Alertmanager's Watchdog as a heartbeat and never journals it as an alert", async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
    const { g } = await gateway(clock, { alertmanager: { heartbeat: { intervalMs: 120_000 } } });
    expect((await post(g, '/v1/alertmanager', watchdog())).status).toBe(200);
    expect(g.journal.alertState('e5c0b7b3a1d2f400')).toBeUndefined();
    clock.advance(100_000);
    expect((await post(g, '/v1/alertmanager', watchdog())).status).toBe(200);
    clock.advance(100_000);
    await settle();
    expect(g.journal.alertState(silentAlertId('alertmanager'))).toBeUndefined();
    // Alertmanager (or Prometheus behind it) stops: no more deliveries.
    clock.advance(20_001);
    await settle();
    expect(g.journal.alertState(silentAlertId('alertmanager'))).toMatchObject({
      status: 'firing',
      title: 'monitoring is silent: Alertmanager (Watchdog)',
    });
    expect((await post(g, '/v1/alertmanager', watchdog())).status).toBe(200);
    await settle();
    expect(g.journal.alertState(silentAlertId('alertmanager'))?.status).toBe('resolved');
    expect(g.journal.bounds().last).toBe(2);
  });

  it('counts a heartbeat never seen as silent, and a restarted gateway resolves the alert it finds', async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
    const config = { heartbeats: { icinga: { intervalMs: 30_000 } } };
    const first = await gateway(clock, config);
    clock.advance(30_000);
    await settle();
    expect(first.g.journal.alertState(silentAlertId('icinga'))?.status).toBe('firing');
    await first.g.close();
    open.splice(0);
    const { g } = await gateway(clock, config, first.path);
    clock.advance(60_000);
    await settle();
    // Not raised twice across the restart.
    expect(g.journal.bounds().last).toBe(1);
    await post(g, '/v1/heartbeats/icinga');
    await settle();
    expect(g.journal.alertState(silentAlertId('icinga'))?.status).toBe('resolved');
  });

  it('tries again when the journal cannot write', async () => {
    const clock = new ManualClock(0);
    const published: SinkEntry[] = [];
    let failing = true;
    const sink: EventSink = {
      publish: async (entries) => {
        if (failing) throw new Error('disk full');
        published.push(...entries);
        return entries.map((_, i) => i + 1);
      },
      publishMetrics: () => {},
      alertState: () => undefined,
    };
    const logs: string[] = [];
    const watch = new DeadMansSwitch({ clock, log: (line) => logs.push(line) });
    watch.declare('zabbix', 10_000);
    watch.start(sink);
    clock.advance(10_000);
    await settle();
    expect(logs.join('\n')).toMatch(/raising the silence alert failed, retrying: disk full/);
    failing = false;
    clock.advance(1_000);
    await settle();
    expect(published.map((entry) => entry.event.kind)).toEqual(['fired']);
    expect(watch.state().zabbix).toMatchObject({ silent: true, lastSeen: null });
    watch.stop();
  });

  it('in a cluster: a follower hears beats but never raises; the gateway that takes the lead does', async () => {
    const clock = new ManualClock(0);
    const states = new Map<string, 'firing' | 'resolved'>();
    const published: string[] = [];
    const sink: EventSink = {
      publish: async (entries) => {
        for (const { event } of entries) {
          published.push(`${event.kind} ${event.alertId}`);
          states.set(event.alertId, event.kind === 'fired' ? 'firing' : 'resolved');
        }
        return entries.map((_, i) => i + 1);
      },
      publishMetrics: () => {},
      alertState: (id) => (states.has(id) ? ({ status: states.get(id) } as AlertState) : undefined),
    };
    // Two gateways' roles on one bus: `a` leads first.
    const bus: Array<(name: string) => void> = [];
    let leader = 'a';
    const changes: Array<{ name: string; listener: (leader: boolean) => void }> = [];
    const role = (name: string): ClusterRole => ({
      ...soloRole(),
      kind: 'nats',
      isLeader: () => leader === name,
      onLeaderChange: (listener) => void changes.push({ name, listener }),
      broadcast: (_topic, payload) => bus.forEach((deliver) => deliver(payload)),
      onSignal: (_topic, listener) => void bus.push(listener),
    });
    const a = new DeadMansSwitch({ clock, log: () => {}, cluster: role('a') });
    const b = new DeadMansSwitch({ clock, log: () => {}, cluster: role('b') });
    for (const watch of [a, b]) {
      watch.declare('icinga', 10_000);
      watch.start(sink);
    }
    // A beat posted to b reaches a, the leader: nothing is raised while beats come.
    clock.advance(6_000);
    b.beat('icinga');
    clock.advance(6_000);
    await settle();
    expect(a.state().icinga?.lastSeen).toBe(6_000);
    expect(published).toEqual([]);
    // Silent: only the leader raises.
    clock.advance(5_000);
    await settle();
    expect(published).toEqual([`fired ${silentAlertId('icinga')}`]);
    expect(b.state().icinga?.silent).toBe(true);
    // a dies; a beat returns while nobody leads; b takes the lead and resolves at once.
    a.stop();
    leader = '';
    b.beat('icinga');
    await settle();
    expect(published).toHaveLength(1);
    leader = 'b';
    for (const change of changes.filter((c) => c.name === 'b')) change.listener(true);
    await settle();
    expect(published).toEqual([`fired ${silentAlertId('icinga')}`, `resolved ${silentAlertId('icinga')}`]);
    b.stop();
  });
});
