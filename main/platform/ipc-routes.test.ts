import { describe, expect, it } from 'vitest';
import { channelFor } from '../../common/api/channels.js';
import { OPERATION_NAMES, type OperationName } from '../../common/api/contract.js';
import { APP_URL } from './app-origin.js';
import { createIpcRoutes, type SenderInfo } from './ipc-routes.js';

const appFrame: SenderInfo = { frameUrl: APP_URL, isTopFrame: true, fromAppWindow: true };

function recordingCore(answer: unknown = { ok: true, value: [] }) {
  const calls: Array<{ op: OperationName; request: unknown }> = [];
  return {
    calls,
    core: {
      invoke: async (op: OperationName, request: unknown) => {
        calls.push({ op, request });
        if (answer instanceof Error) throw answer;
        return answer as never;
      },
    },
  };
}

describe('IPC routes', () => {
  it('has one route per contract operation, on its own channel', () => {
    const routes = createIpcRoutes(recordingCore().core, APP_URL);
    expect(Object.keys(routes).sort()).toEqual([...OPERATION_NAMES].sort());
    for (const name of OPERATION_NAMES) expect(routes[name].channel).toBe(channelFor(name));
    expect(new Set(OPERATION_NAMES.map((n) => routes[n].channel)).size).toBe(OPERATION_NAMES.length);
  });

  it("forwards a valid request from the app's top frame, with the schema's defaults applied", async () => {
    const { core, calls } = recordingCore({ ok: true, value: { rows: [], total: 0 } });
    const routes = createIpcRoutes(core, APP_URL);
    const result = await routes.searchHistory.route(appFrame, { filter: { text: 'disk' } });
    expect(result).toEqual({ ok: true, value: { rows: [], total: 0 } });
    expect(calls).toEqual([{ op: 'searchHistory', request: { filter: { text: 'disk' }, limit: 100 } }]);
  });

  it.each([
    ['a subframe', { ...appFrame, isTopFrame: false }],
    ['another origin', { ...appFrame, frameUrl: 'https://evil.example.org/' }],
    ['another web contents', { ...appFrame, fromAppWindow: false }],
    ['a frame that is gone', { ...appFrame, frameUrl: null }],
  ])('refuses %s with forbidden, before looking at the payload', async (_what, sender) => {
    const { core, calls } = recordingCore();
    const result = await createIpcRoutes(core, APP_URL).activeAlerts.route(sender, {});
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['acknowledge', { feedId: 'f' }, /alertId/],
    ['snooze', { feedId: 'f', alertId: 'a', minutes: 0 }, /minutes/],
    ['feedStatus', { extra: true }, /feedStatus/],
    ['activeAlerts', 'not an object', /activeAlerts/],
    ['comment', { feedId: 'f', alertId: 'a', text: 'x'.repeat(20_000) }, /text/],
  ] as const)(
    'refuses an invalid %s payload with invalid_request, without calling the core',
    async (op, request, message) => {
      const { core, calls } = recordingCore();
      const result = await createIpcRoutes(core, APP_URL)[op].route(appFrame, request);
      expect(result).toMatchObject({ ok: false, code: 'invalid_request' });
      expect(result.ok ? '' : result.message).toMatch(message);
      expect(calls).toEqual([]);
    },
  );

  it('answers internal, not a rejection, when the core throws', async () => {
    const { core } = recordingCore(new Error('worker gone'));
    const result = await createIpcRoutes(core, APP_URL).feedStatus.route(appFrame, {});
    expect(result).toEqual({ ok: false, code: 'internal', message: 'feedStatus failed: worker gone' });
  });
});
