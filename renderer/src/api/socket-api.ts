/**
 * The browser console's implementation of the `api` interface: calls and updates over a
 * WebSocket to the console's own origin (`/api?token=…`). Wire format (common/api/page-socket.ts,
 * which webshell/api-socket.ts answers): page → server `{id, op, request}` and `{window}`;
 * server → page `{id, result}` for replies, `{update}` for pushes and `{error}`. Every message
 * received is checked against those schemas first: one that fails is counted and dropped (an
 * answer that fails fails its call), never handed to the UI. It reconnects by itself with
 * full-jitter backoff, and reports the link's state, so the UI never mistakes a dead console
 * link for a quiet feed.
 */
import {
  OPERATION_NAMES,
  type OperationName,
  type Result,
  type TocsinApi,
  type UiUpdate,
} from '../../../common/api/contract';
import type { PageCall, PageWindow } from '../../../common/api/page-socket';
import { fail, ok } from '../../../common/result';
import { readConsoleMessage, type ConsoleMessageRefusal } from './console-message';

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
/** WebSocket.OPEN, by value: the constructor is injected, and a stand-in need not carry the constants. */
const OPEN = 1;

/** What the adapter takes besides its URL: the backoff's randomness, the socket, where refusals are logged. */
export type SocketApiOptions = {
  random?: () => number;
  /** The browser's WebSocket by default; a stand-in in tests. */
  WebSocket?: new (url: string) => WebSocket;
  /** The first refusal of each reason is logged here (console.warn by default); the rest are counted. */
  log?: (line: string) => void;
};

/** Messages from the server refused by the page, by reason. */
export type SocketRejections = Partial<Record<ConsoleMessageRefusal, number>>;

/** The socket URL for a page location: same host, ws or wss as the page, the token as a query parameter. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** Create the adapter for the socket at `url` (socketUrl gives it, with the page's token or none: the cookie carries it). */
export function createSocketApi(
  url: string,
  onLink: (link: ShellLink) => void,
  options: SocketApiOptions = {},
): TocsinApi & { rejectedMessages(): SocketRejections } {
  const random = options.random ?? Math.random;
  const Socket = options.WebSocket ?? WebSocket;
  const log = options.log ?? ((line: string) => console.warn(line));
  const rejected: SocketRejections = {};
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
    const ws = new Socket(url);
    ws.onopen = () => {
      attempt = 0;
      socket = ws;
      onLink({ state: 'open', since: Date.now(), nextRetryAt: null });
      for (const resume of waiting.splice(0)) resume(ws);
      for (const listener of reconnectListeners) listener();
    };
    ws.onmessage = (event) => {
      const { message, id } = readConsoleMessage(String(event.data));
      if (!message.ok) {
        if (rejected[message.code] === undefined)
          log(`console link: refused a message from the console (${message.code}): ${message.message}`);
        rejected[message.code] = (rejected[message.code] ?? 0) + 1;
        // An answer that fails its schema fails its call now, rather than at the call's timeout.
        if (id !== null) settle(id, fail('internal', `the console sent an invalid answer: ${message.message}`));
        return;
      }
      const data = message.value;
      if ('update' in data) for (const listener of listeners) listener(data.update);
      else if ('result' in data) settle(data.id, data.result.ok ? ok(data.result.value) : data.result);
      // {error}: the server could not read something this page sent; the call it was times out.
    };
    ws.onclose = () => {
      socket = null;
      for (const id of [...pending.keys()]) settle(id, fail('unavailable', 'the console link closed'));
      const delay = random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt++);
      onLink({ state: 'closed', since: Date.now(), nextRetryAt: Date.now() + delay });
      setTimeout(connect, delay);
    };
  };
  connect();

  const openSocket = (): Promise<WebSocket | null> =>
    socket?.readyState === OPEN
      ? Promise.resolve(socket)
      : new Promise((resolve) => {
          waiting.push(resolve);
          setTimeout(() => resolve(null), CALL_TIMEOUT_MS);
        });

  const call = async (op: OperationName, request: unknown): Promise<Result<unknown>> => {
    const ws = await openSocket();
    if (!ws || ws.readyState !== OPEN) return fail('unavailable', 'no link to the console');
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => settle(id, fail('unavailable', `the console did not answer ${op}`)),
        CALL_TIMEOUT_MS,
      );
      pending.set(id, { resolve, timer });
      const message: PageCall = { id, op, request };
      ws.send(JSON.stringify(message));
    });
  };
  const api = Object.fromEntries(
    OPERATION_NAMES.map((op) => [op, (request: unknown) => call(op, request)]),
  ) as unknown as TocsinApi;
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
    reportWindow(state: PageWindow['window']) {
      const message: PageWindow = { window: state };
      if (socket?.readyState === OPEN) socket.send(JSON.stringify(message));
    },
    /** Browser-only: messages from the server refused by this page, by reason. */
    rejectedMessages: (): SocketRejections => ({ ...rejected }),
  });
}
