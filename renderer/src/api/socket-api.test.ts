import { describe, expect, it } from 'vitest';
import type { UiUpdate } from '../../../common/api/contract';
import { checkConsoleMessage, readConsoleMessage } from './console-message';
import { createSocketApi } from './socket-api';

/** A WebSocket stand-in: the test opens it, reads what the page sent, and delivers messages. */
class FakeSocket {
  static last: FakeSocket | null = null;
  readyState = 0;
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(text);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
}

function connected() {
  const logs: string[] = [];
  const api = createSocketApi('ws://console/api', () => {}, {
    WebSocket: FakeSocket as unknown as new (url: string) => WebSocket,
    log: (line) => logs.push(line),
    random: () => 0,
  });
  const socket = FakeSocket.last!;
  socket.open();
  const updates: UiUpdate[] = [];
  api.onUpdate((update) => updates.push(update));
  return { api, socket, logs, updates };
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const update: UiUpdate = { alerts: [], metrics: [{ series: 'h/s/cpu', metric: 'cpu', t: 1, value: 0.5 }], feeds: [] };

describe('the page socket client', () => {
  it('passes a valid update to the UI and settles a call with its answer', async () => {
    const { api, socket, updates } = connected();
    socket.deliver({ update });
    expect(updates).toEqual([update]);
    const answer = api.feedStatus({});
    await flush();
    expect(JSON.parse(socket.sent[0]!)).toEqual({ id: 1, op: 'feedStatus', request: {} });
    socket.deliver({ id: 1, result: { ok: true, value: [] } });
    expect(await answer).toEqual({ ok: true, value: [] });
    expect(api.rejectedMessages()).toEqual({});
  });

  it('counts and drops what fails the schema, logging the first of each reason, and keeps working', async () => {
    const { api, socket, updates, logs } = connected();
    for (const bad of [
      'not json',
      `${'['.repeat(40)}${']'.repeat(40)}`,
      '{"__proto__":{"update":1}}',
      [],
      { update: { alerts: 'many' } },
      { update: { ...update, metrics: [{ t: 'now' }] } },
      { hello: 1 },
    ]) {
      expect(() => socket.deliver(bad)).not.toThrow();
    }
    expect(updates).toEqual([]);
    expect(api.rejectedMessages()).toEqual({ malformed_json: 1, too_deep: 1, forbidden_key: 1, invalid_message: 4 });
    expect(logs).toHaveLength(4);
    expect(logs[3]).toMatch(
      /^console link: refused a message from the console \(invalid_message\): expected \{id, result\}/,
    );
    socket.deliver({ update });
    expect(updates).toEqual([update]);
  });

  it('fails a call at once when its answer is invalid, instead of at the call timeout', async () => {
    const { api, socket } = connected();
    const answer = api.feedStatus({});
    await flush();
    socket.deliver({ id: 1, result: { ok: false, code: 'teapot', message: 'short and stout' } });
    expect(await answer).toEqual({
      ok: false,
      code: 'internal',
      message: expect.stringMatching(/^the console sent an invalid answer: result/),
    });
    expect(api.rejectedMessages()).toEqual({ invalid_message: 1 });
  });

  it('fails pending calls as unavailable when the link closes', async () => {
    const { api, socket } = connected();
    const answer = api.feedStatus({});
    await flush();
    socket.readyState = 3;
    socket.onclose?.();
    expect(await answer).toEqual({ ok: false, code: 'unavailable', message: 'the console link closed' });
  });
});

describe('checkConsoleMessage', () => {
  it('accepts each server message shape, an answer without a value included', () => {
    expect(checkConsoleMessage({ id: 4, result: { ok: true } })).toEqual({
      ok: true,
      value: { id: 4, result: { ok: true } },
    });
    expect(checkConsoleMessage({ error: 'malformed message' }).ok).toBe(true);
    expect(checkConsoleMessage({ id: 4, result: { ok: false, code: 'not_found', message: 'gone' } }).ok).toBe(true);
  });

  it('names the field that was wrong', () => {
    expect(checkConsoleMessage({ id: -1, result: { ok: true } })).toEqual({
      ok: false,
      code: 'invalid_message',
      message: expect.stringMatching(/^id: /),
    });
    expect(readConsoleMessage('{"id":7,"result":{"ok":"yes"}}')).toEqual({
      message: { ok: false, code: 'invalid_message', message: expect.stringMatching(/^result\.ok: /) },
      id: 7,
    });
  });
});
