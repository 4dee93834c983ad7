/**
 * The Icinga source's periodic reconcile, with a stand-in for the API whose event stream stays
 * open and delivers nothing (as a real Icinga 2.13 stream once did in a test): the change is
 * journaled by the next reconcile, counted, and the stream is opened anew. The real Icinga:
 * tests/sources/icinga.real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../common/protocol/alert.js';
import { reduceAlert } from '../../../common/protocol/reduce.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import type { EventSink, SinkEntry } from '../sink.js';
import type { EventStream, IcingaApi } from './api.js';
import { IcingaConfigSchema } from './config.js';
import { IcingaSource } from './source.js';

/** An API whose streams never deliver, and whose objects say http on web-1 is in `state`. */
function silentIcinga() {
  const world = { state: 0, opened: 0, closed: 0, duringRead: null as null | (() => Promise<void>) };
  const api = {
    openEvents: async (): Promise<EventStream> => {
      world.opened++;
      let close: (why: string) => void = () => {};
      const closed = new Promise<string>((resolve) => (close = resolve));
      return {
        closed,
        close: () => {
          world.closed++;
          close('closed by the gateway');
        },
      };
    },
    call: async (_method: string, path: string) => {
      const state = world.state;
      if (path.startsWith('/v1/objects/services')) await world.duringRead?.();
      return objectsAnswer(path, state);
    },
  };
  const objectsAnswer = (path: string, state: number) => ({
    results: path.startsWith('/v1/objects/services')
      ? [
          {
            attrs: {
              name: 'http',
              host_name: 'web-1',
              state,
              state_type: 1,
              last_check_result: { output: state === 0 ? 'HTTP OK' : 'HTTP CRITICAL' },
              acknowledgement: 0,
            },
          },
        ]
      : [],
  });
  return { world, api: api as unknown as IcingaApi };
}

/** A sink that keeps states as the journal would. */
function memorySink() {
  const states = new Map<string, AlertState>();
  const entries: SinkEntry[] = [];
  const sink: EventSink = {
    publish: async (batch) =>
      batch.map((entry) => {
        entries.push(entry);
        const state = reduceAlert(states.get(entry.event.alertId), entry.event, entries.length);
        if (state) states.set(entry.event.alertId, state);
        return entries.length;
      }),
    publishMetrics: () => {},
    alertState: (alertId) => states.get(alertId),
  };
  return { sink, entries };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The stand-in Icinga, a sink, a manual clock, the log, and a configuration reconciling every `reconcileEveryMs`. */
function rig(reconcileEveryMs: number) {
  const config = IcingaConfigSchema.parse({
    url: 'https://icinga.example.test:5665',
    username: 'tocsin',
    password: 'secret',
    reconcileEveryMs,
  });
  const logs: string[] = [];
  return { ...silentIcinga(), ...memorySink(), clock: new ManualClock(), logs, config };
}

describe('the Icinga source, when its event stream goes quiet', () => {
  it('journals what a periodic reconcile finds, counts it, and opens the stream anew', async () => {
    const { world, api, sink, entries, clock, logs, config } = rig(60_000);
    const source = new IcingaSource(config, api, { clock, log: (line) => logs.push(line) });
    await source.start(sink);
    await settle();
    expect(world.opened).toBe(1);
    expect(source.stats.reconciles).toBe(1);
    // Nothing changed: the periodic reconcile finds nothing and keeps the stream.
    clock.advance(60_000);
    await settle();
    expect(source.stats.reconciles).toBe(2);
    expect(world.closed).toBe(0);
    // http goes CRITICAL and the stream says nothing: the next reconcile journals it.
    world.state = 2;
    clock.advance(60_000);
    await settle();
    expect(entries.map((e) => [e.event.kind, e.event.alertId])).toEqual([['fired', 'icinga:web-1!http']]);
    expect(source.stats.missedByStream).toBe(1);
    expect(world.closed).toBe(1);
    expect(logs.join('\n')).toMatch(/had not delivered 1 change\(s\) the reconcile found; reopening it/);
    // The reconnect (after its backoff) subscribes again and reconciles: nothing new to journal.
    clock.advance(config.reconnectMinMs);
    await settle();
    expect(world.opened).toBe(2);
    expect(entries).toHaveLength(1);
    await source.stop();
  });

  it('leaves alone an alert the stream changed while the reconcile was reading the objects', async () => {
    const { world, api, sink, entries, clock, logs, config } = rig(60_000);
    world.state = 2;
    const source = new IcingaSource(config, api, { clock, log: (line) => logs.push(line) });
    await source.start(sink);
    await settle();
    expect(entries.map((e) => e.event.kind)).toEqual(['fired']);
    // The objects are read while http is CRITICAL; before the reconcile writes, the stream
    // journals its recovery. The read is older than that: no fire again, no reopening.
    world.duringRead = async () => {
      clock.advance(5);
      await sink.publish([
        {
          event: {
            kind: 'resolved',
            alertId: 'icinga:web-1!http',
            source: 'icinga',
            at: clock.now(),
            endsAt: clock.now(),
          },
        },
      ]);
    };
    clock.advance(60_000);
    await settle();
    expect(entries.map((e) => e.event.kind)).toEqual(['fired', 'resolved']);
    expect(source.stats.missedByStream).toBe(0);
    expect(world.closed).toBe(0);
    await source.stop();
  });

  it('reconciles only on connect when reconcileEveryMs is 0', async () => {
    const { world, api, sink, entries, clock, logs, config } = rig(0);
    const source = new IcingaSource(config, api, { clock, log: (line) => logs.push(line) });
    await source.start(sink);
    await settle();
    world.state = 2;
    clock.advance(3_600_000);
    await settle();
    expect(source.stats.reconciles).toBe(1);
    expect(entries).toEqual([]);
    expect(clock.nextTimerAt()).toBeNull();
    await source.stop();
  });
});
