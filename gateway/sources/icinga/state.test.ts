/** Icinga 2 events and states to journal entries, without Icinga (the real one: tests/sources/icinga.real.test.ts). */
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../common/protocol/alert.js';
import { compileMapping, LabelMappingSchema } from '../alertmanager/mapping.js';
import { ICINGA_MAPPING_DEFAULTS } from './config.js';
import { parseEvent, parseObjects } from './events.js';
import { ackEntries, checkEntries, parseIcingaAlertId, viewAfter } from './state.js';

const mapper = compileMapping(LabelMappingSchema.parse(ICINGA_MAPPING_DEFAULTS));
const options = { mapper, now: 1_000, hardStatesOnly: true };
const firing = { status: 'firing', severity: 'critical', acknowledged: null } as AlertState;

describe('Icinga 2 states', () => {
  it('fires hard problems only, maps state names to severities, resolves on OK, repeats nothing', () => {
    const check = { host: 'web-1', service: 'http', state: 2, stateType: 0, output: 'HTTP CRITICAL' };
    expect(checkEntries(check, undefined, options)).toEqual([]);
    const [fired] = checkEntries({ ...check, stateType: 1 }, undefined, options);
    expect(fired?.event).toMatchObject({
      kind: 'fired',
      alertId: 'icinga:web-1!http',
      alert: { severity: 'critical' },
    });
    expect(checkEntries({ ...check, stateType: 1 }, firing, options)).toEqual([]);
    expect(checkEntries({ ...check, state: 1, stateType: 1 }, firing, options)[0]?.event).toMatchObject({
      alert: { severity: 'warning' },
    });
    expect(checkEntries({ ...check, state: 3, stateType: 1 }, undefined, options)[0]?.event).toMatchObject({
      alert: { severity: 'high' },
    });
    expect(checkEntries({ ...check, state: 0 }, firing, options)[0]?.event.kind).toBe('resolved');
    expect(
      checkEntries({ host: 'db-1', state: 1, stateType: 1, output: '' }, undefined, options)[0]?.event,
    ).toMatchObject({
      alert: { severity: 'critical', category: 'outage', title: 'db-1 is DOWN' },
    });
    expect(parseIcingaAlertId('icinga:web-1!http')).toEqual({ host: 'web-1', service: 'http' });
    expect(parseIcingaAlertId('alertmanager-fp')).toBeNull();
  });

  it('syncs acknowledgements only for firing alerts whose ack differs', () => {
    expect(ackEntries('a', true, viewAfter(firing, []), 1, { by: 'Bob' })[0]?.event).toMatchObject({
      kind: 'acknowledged',
      by: 'Bob',
    });
    expect(ackEntries('a', false, viewAfter(firing, []), 1, { by: 'Bob' })).toEqual([]);
    expect(ackEntries('a', true, viewAfter(undefined, []), 1, { by: 'Bob' })).toEqual([]);
  });

  it('drops events that are not what Icinga documents, naming the field', () => {
    expect(parseEvent({ type: 'StateChange', host: 'web-1' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^state/) as unknown,
    });
    expect(parseEvent({ type: 'Nonsense' }).ok).toBe(false);
    // A host's check result carries the raw state: CRITICAL (2) is DOWN (1).
    const hostResult = { state: 2, output: 'PING CRITICAL', vars_after: { state: 2, state_type: 1 } };
    expect(parseEvent({ type: 'CheckResult', host: 'db-1', check_result: hostResult, timestamp: 1 })).toMatchObject({
      value: { check: { host: 'db-1', state: 1, stateType: 1 } },
    });
    expect(
      parseEvent({
        type: 'DowntimeStarted',
        downtime: { host_name: 'web-1', service_name: '', author: 'ann', end_time: 2 },
      }),
    ).toEqual({ ok: true, value: { kind: 'downtime-start', host: 'web-1', by: 'ann', until: 2_000 } });
    expect(() => parseObjects({ results: [{ attrs: {} }] }, 'host')).toThrow(/results\.0\.attrs\.name/);
    expect(
      parseObjects({ results: [{ attrs: { name: 'h', state: 1, state_type: 1, last_check_result: null } }] }, 'host'),
    ).toEqual([]);
  });
});
