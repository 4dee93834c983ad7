/**
 * The socket a FeedClient talks through, and the real factory built on `ws`. Injected, so
 * reconnect and heartbeat logic can be driven by tests without a network or a wall clock.
 */
import { createHash } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '../../../common/protocol/frames.js';

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

/**
 * `pin`: base64 SHA-256 of the server's SubjectPublicKeyInfo (as in HPKP): `openssl x509 -pubkey -noout
 * -in cert.pem | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
 */
export type FeedEndpoint = { url: string; token: string; ca?: string; pin?: string };

/** The SPKI pin of a certificate (base64 SHA-256 of its DER public key). */
export function spkiPin(certificate: PeerCertificate): string {
  if (!certificate.pubkey) throw new Error('the certificate has no public key');
  return createHash('sha256').update(certificate.pubkey).digest('base64');
}

/**
 * Hostname check plus the pin, during the TLS handshake: a server with the wrong key gets no
 * upgrade request, so it never sees the token.
 */
export function pinnedIdentityCheck(pin: string) {
  return (host: string, certificate: PeerCertificate): Error | undefined => {
    const identity = checkServerIdentity(host, certificate);
    if (identity) return identity;
    if (!certificate.pubkey) return new Error('the gateway presented a certificate without a public key');
    const actual = spkiPin(certificate);
    return actual === pin
      ? undefined
      : new Error(`the gateway's public key ${actual} does not match the pinned key ${pin}`);
  };
}
export type SocketFactory = (endpoint: FeedEndpoint) => FeedSocket;

/** Real sockets: token in the upgrade's Authorization header, the protocol's subprotocol, limits. */
export const connectWebSocket: SocketFactory = (endpoint) =>
  new WebSocket(endpoint.url, SUBPROTOCOL, {
    headers: { authorization: `Bearer ${endpoint.token}` },
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
    ...(endpoint.ca ? { ca: endpoint.ca } : {}),
    ...(endpoint.pin ? { checkServerIdentity: pinnedIdentityCheck(endpoint.pin) } : {}),
  });
