/**
 * The socket a FeedClient talks through, and the real factory built on `ws`. Injected, so
 * reconnect and heartbeat logic can be driven by tests without a network or a wall clock.
 */
import WebSocket from 'ws';
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '../protocol/frames.js';

/** The part of a WebSocket the client uses (`ws`'s WebSocket satisfies it). */
export interface FeedSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: WebSocket.RawData, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type FeedEndpoint = { url: string; token: string; ca?: string };
export type SocketFactory = (endpoint: FeedEndpoint) => FeedSocket;

/** Real sockets: token in the upgrade's Authorization header, the protocol's subprotocol, limits. */
export const connectWebSocket: SocketFactory = (endpoint) =>
  new WebSocket(endpoint.url, SUBPROTOCOL, {
    headers: { authorization: `Bearer ${endpoint.token}` },
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
    ...(endpoint.ca ? { ca: endpoint.ca } : {}),
  });
