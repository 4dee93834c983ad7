/**
 * The browser console's side of the `api` contract: a WebSocket at `/api` that carries
 * `{id, op, request}` calls to the core and pushes `{update}` batches to every page.
 * The page is untrusted: message shape is checked here against the page socket's schemas
 * (common/api/page-socket.ts, which the page checks the answers against), the request itself
 * by the core against the contract, and every answer is a Result envelope.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { OperationName, Result, UiUpdate } from '../common/api/contract.js';
import { PageCallSchema, PageWindowSchema, type ConsoleMessage } from '../common/api/page-socket.js';
import { isOperationName } from '../main/core/api/dispatch.js';
import type { WindowState } from '../common/window-state.js';
import { describeValue, errorMessage, parseBoundedJson } from '../common/protocol/bounded-json.js';
import { fail } from '../common/result.js';

/** What the bridge needs of the core (CoreHost provides it). */
export interface CoreEndpoint {
  invoke(op: OperationName, request: unknown): Promise<Result<unknown>>;
  onUpdate(listener: (update: UiUpdate) => void): () => void;
  setWindowState(state: WindowState): void;
}

/** A page that cannot keep up is disconnected rather than buffered without bound; it reconnects and refetches. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 256 * 1024;

/** Counts of what the bridge refused, by reason (shown in logs; asserted by tests). */
export type BridgeRejections = Record<'malformed' | 'too_deep' | 'unknown_op' | 'slow_page' | 'internal_error', number>;

/** Bridges page sockets to the core. */
export class ApiSocketBridge {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  private readonly windows = new Map<WebSocket, WindowState>();
  readonly rejections: BridgeRejections = { malformed: 0, too_deep: 0, unknown_op: 0, slow_page: 0, internal_error: 0 };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly core: CoreEndpoint,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.unsubscribe = core.onUpdate((update) => this.broadcast(update));
  }

  /** Complete an already-authorised upgrade. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.attach(ws));
  }

  /** Close every page socket. */
  close(): void {
    this.unsubscribe();
    for (const ws of this.server.clients) ws.close(1001, 'console shutting down');
    this.server.close();
  }

  private attach(ws: WebSocket): void {
    // The one boundary around everything a page's message reaches: never an exit of the console.
    ws.on('message', (data, isBinary) =>
      this.onMessage(ws, data.toString(), isBinary).catch((error: unknown) => {
        this.rejections.internal_error++;
        this.log(`page socket: handling a message failed: ${errorMessage(error)}`);
        ws.close(1011, 'the console could not handle that message');
      }),
    );
    ws.on('close', () => {
      this.windows.delete(ws);
      this.reportWindows();
    });
    ws.on('error', () => ws.terminate());
  }

  private async onMessage(ws: WebSocket, text: string, isBinary: boolean): Promise<void> {
    const json = isBinary ? null : parseBoundedJson(text);
    if (json && !json.ok && json.code === 'too_deep') {
      this.rejections.too_deep++;
      this.send(ws, { error: `malformed message: ${json.message}` });
      return;
    }
    const value = json?.ok ? json.value : undefined;
    const windowMessage = PageWindowSchema.safeParse(value);
    if (windowMessage.success) {
      this.windows.set(ws, windowMessage.data.window);
      this.reportWindows();
      return;
    }
    const call = PageCallSchema.safeParse(value);
    if (!call.success) {
      this.rejections.malformed++;
      this.send(ws, { error: 'malformed message: expected {id, op, request} or {window}' });
      return;
    }
    const { id, op, request } = call.data;
    if (!isOperationName(op)) {
      this.rejections.unknown_op++;
      this.send(ws, { id, result: fail('invalid_request', `unknown operation ${describeValue(op)}`) });
      return;
    }
    this.send(ws, { id, result: await this.core.invoke(op, request) });
  }

  /** The console counts as visible if any page is visible (a wall display is someone watching). */
  private reportWindows(): void {
    const states = [...this.windows.values()];
    this.core.setWindowState({
      visible: states.some((s) => s.visible),
      minimized: states.length > 0 && states.every((s) => s.minimized),
      focused: states.some((s) => s.focused),
    });
  }

  private broadcast(update: UiUpdate): void {
    const text = JSON.stringify({ update });
    for (const ws of this.server.clients) this.sendText(ws, text);
  }

  private send(ws: WebSocket, message: ConsoleMessage): void {
    this.sendText(ws, JSON.stringify(message));
  }

  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.rejections.slow_page++;
      ws.close(1013, 'page too slow; reconnect and refetch');
      return;
    }
    ws.send(text);
  }
}
