/**
 * The browser console's implementation of the `api` interface: calls and updates over a
 * WebSocket to the console's own origin (`/api`). Reconnects by itself; the link's state is
 * reported so the UI never mistakes a dead console link for a quiet feed.
 */
import { OPERATION_NAMES, type OperationName, type Result, type TocsinApi, type UiUpdate } from '../../../preload/contract';

export type ShellLink = 'connecting' | 'open' | 'closed';
type Pending = (result: Result<unknown>) => void;

/** Create the adapter. `token` is the per-launch token from the page URL (or null: the cookie carries it). */
export function createSocketApi(location: Location, token: string | null, onLink: (link: ShellLink) => void): TocsinApi {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const listeners = new Set<(update: UiUpdate) => void>();
  const reconnectListeners = new Set<() => void>();
  const pending = new Map<number, Pending>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let opened: Promise<WebSocket>;

  const connect = () => {
    onLink('connecting');
    opened = new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        attempt = 0;
        socket = ws;
        onLink('open');
        resolve(ws);
        for (const listener of reconnectListeners) listener();
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as { id?: number; result?: Result<unknown>; update?: UiUpdate };
        if (data.update) for (const listener of listeners) listener(data.update);
        if (data.id !== undefined && data.result) {
          pending.get(data.id)?.(data.result);
          pending.delete(data.id);
        }
      };
      ws.onclose = () => {
        socket = null;
        onLink('closed');
        for (const resolvePending of pending.values()) resolvePending({ ok: false, code: 'unavailable', message: 'the console link closed' });
        pending.clear();
        const delay = Math.random() * Math.min(10_000, 500 * 2 ** attempt++);
        setTimeout(connect, delay);
      };
    });
  };
  connect();

  const call = async (op: OperationName, request: unknown): Promise<Result<unknown>> => {
    const ws = socket ?? (await opened);
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
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
