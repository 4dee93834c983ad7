/**
 * The browser console's implementation of the `api` interface: calls and updates over a
 * WebSocket to the console's own origin (`/api?token=…`). Wire format (webshell/api-socket.ts
 * answers it): client → server `{id, op, request}`; server → client `{id, result}` for replies
 * and `{update}` for pushes. It reconnects by itself with full-jitter backoff, and reports the
 * link's state, so the UI never mistakes a dead console link for a quiet feed.
 */
import { OPERATION_NAMES, type OperationName, type Result, type TocsinApi, type UiUpdate } from '../../../common/api/contract';

/** The page's own link to the console (browser only; in Electron it is always open). */
export type ShellLink = {
  state: 'connecting' | 'open' | 'closed';
  /** When this state began (ms since epoch). */
  since: number;
  /** When closed: when the next attempt starts. */
  nextRetryAt: number | null;
};

type Pending = { resolve: (result: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> };

/** Backoff: full jitter over an exponential ceiling, 0.5 s doubling to 10 s (the console is local). */
const BASE_MS = 500;
const CAP_MS = 10_000;
/** A call with no answer by then fails as `unavailable` rather than hanging the UI. */
const CALL_TIMEOUT_MS = 30_000;

/** The socket URL for a page location: same host, ws or wss as the page, the token as a query parameter. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** Create the adapter. `token` is the per-launch token from the page URL (or null: the cookie carries it). */
export function createSocketApi(url: string, onLink: (link: ShellLink) => void, random: () => number = Math.random): TocsinApi {
  const listeners = new Set<(update: UiUpdate) => void>();
  const reconnectListeners = new Set<() => void>();
  const pending = new Map<number, Pending>();
  const waiting: Array<(ws: WebSocket | null) => void> = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;

  const settle = (id: number, result: Result<unknown>) => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  };

  const connect = () => {
    onLink({ state: 'connecting', since: Date.now(), nextRetryAt: null });
    const ws = new WebSocket(url);
    ws.onopen = () => {
      attempt = 0;
      socket = ws;
      onLink({ state: 'open', since: Date.now(), nextRetryAt: null });
      for (const resume of waiting.splice(0)) resume(ws);
      for (const listener of reconnectListeners) listener();
    };
    ws.onmessage = (message) => {
      let data: { id?: unknown; result?: Result<unknown>; update?: UiUpdate };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        return; // not ours to crash on
      }
      if (data.update) for (const listener of listeners) listener(data.update);
      if (typeof data.id === 'number' && data.result) settle(data.id, data.result);
    };
    ws.onclose = () => {
      socket = null;
      for (const id of [...pending.keys()]) settle(id, { ok: false, code: 'unavailable', message: 'the console link closed' });
      const delay = random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt++);
      onLink({ state: 'closed', since: Date.now(), nextRetryAt: Date.now() + delay });
      setTimeout(connect, delay);
    };
  };
  connect();

  const openSocket = (): Promise<WebSocket | null> =>
    socket?.readyState === WebSocket.OPEN ? Promise.resolve(socket) : new Promise((resolve) => {
      waiting.push(resolve);
      setTimeout(() => resolve(null), CALL_TIMEOUT_MS);
    });

  const call = async (op: OperationName, request: unknown): Promise<Result<unknown>> => {
    const ws = await openSocket();
    if (!ws || ws.readyState !== WebSocket.OPEN) return { ok: false, code: 'unavailable', message: 'no link to the console' };
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(id, { ok: false, code: 'unavailable', message: `the console did not answer ${op}` }), CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      ws.send(JSON.stringify({ id, op, request }));
    });
  };
  const api = Object.fromEntries(OPERATION_NAMES.map((op) => [op, (request: unknown) => call(op, request)])) as unknown as TocsinApi;
  return Object.assign(api, {
    onUpdate(listener: (update: UiUpdate) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Browser-only: called after every (re)connect, so the UI refetches what it missed. */
    onReconnect(listener: () => void) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    reportWindow(state: { visible: boolean; minimized: boolean; focused: boolean }) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ window: state }));
    },
  });
}
