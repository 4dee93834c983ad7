/**
 * A push service for tests: an HTTPS server on loopback that does what a browser vendor's push
 * service does with a request (checks the VAPID JWT: ES256 under the key in `k`, audience,
 * expiry) and what the browser does with the body (decrypts it). Both are written here from
 * RFC 8291 and RFC 8292 with node:crypto alone, independent of the sending code (web-push and
 * the http_ece it encrypts with).
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCert } from './tls-cert.js';

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 and RFC 8188: the plaintext of an aes128gcm body (one record) for the subscription's key and auth secret. */
export function decryptAes128gcm(body: Buffer, receiver: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = receiver.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiver.getPublicKey(), senderPublic]);
  const ikm = hmac(hmac(authSecret, shared), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  const delimiter = padded.lastIndexOf(2); // the last record's delimiter, then zero padding
  if (delimiter < 0 || padded.subarray(delimiter + 1).some((b) => b !== 0)) throw new Error('bad padding');
  return padded.subarray(0, delimiter);
}

/** What a VAPID `Authorization: vapid t=<jwt>, k=<key>` header proves (RFC 8292 §2–3), or why it proves nothing. */
export function checkVapid(
  header: string | undefined,
  audience: string,
  now: number,
): { ok: true; subject: string; publicKey: string; expiresAt: number } | { ok: false; why: string } {
  const match = header?.match(/^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/);
  if (!match) return { ok: false, why: `not a vapid header: ${header}` };
  const [, jwt, key] = match as unknown as [string, string, string];
  const [head, claims, signature] = jwt.split('.') as [string, string, string];
  const raw = Buffer.from(key, 'base64url');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: raw.subarray(1, 33).toString('base64url'),
    y: raw.subarray(33).toString('base64url'),
  };
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return { ok: false, why: 'ES256 signature does not verify under k' };
  const header_ = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  if (header_.alg !== 'ES256') return { ok: false, why: `alg ${header_.alg}` };
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (body.aud !== audience) return { ok: false, why: `aud ${body.aud}, expected ${audience}` };
  const expiresAt = (body.exp ?? 0) * 1000;
  if (expiresAt <= now || expiresAt > now + 24 * 3600_000) return { ok: false, why: `exp ${body.exp} not within 24 h` };
  if (!body.sub?.match(/^(mailto:|https:)/)) return { ok: false, why: `sub ${body.sub}` };
  return { ok: true, subject: body.sub, publicKey: key, expiresAt };
}

/** A browser's side of a subscription: its key pair and auth secret, and the JSON it would register. */
export function browserSubscription(endpoint: string): {
  ecdh: ECDH;
  auth: Buffer;
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
} {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    json: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
  };
}

/** One request the push service received. */
export type ReceivedPush = { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** How the push service answers a request (default: 201 Created). */
export type PushAnswer = { status: number; headers?: Record<string, string> } | 'never';

/** A running test push service with its own self-signed certificate. */
export type PushService = {
  origin: string;
  /** The CA file the gateway must trust (`escalation.push.tls.caFile`). */
  caFile: string;
  received: ReceivedPush[];
  answer: (request: ReceivedPush) => PushAnswer;
  close(): Promise<void>;
};

/** Start it on a loopback port. */
export async function startPushService(): Promise<PushService> {
  const { certFile, keyFile } = selfSignedCert();
  const received: ReceivedPush[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const service: PushService = {
    origin: '',
    caFile: certFile,
    received,
    answer: () => ({ status: 201 }),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer(
    { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const push = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
        received.push(push);
        const answer = service.answer(push);
        if (answer === 'never') {
          hanging.add(response);
          return;
        }
        response.writeHead(answer.status, answer.headers).end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}
