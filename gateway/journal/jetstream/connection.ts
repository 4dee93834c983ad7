/**
 * The gateway's connection to NATS: TLS and a credentials file when configured, reconnecting
 * for ever once up (a cluster node going away is routine). Not reaching any server at start is
 * an error that names the servers and says what went wrong in the operator's terms: which file
 * could not be read, that the server's certificate is not trusted by which CA file, that the
 * server demands a client certificate, that it has no TLS, or that it refused which credentials.
 * A `tls://` server URL asks for TLS as `journal.tls` does (the client would otherwise fall back
 * to plain text with a server that offers no TLS).
 */
import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../../../common/protocol/bounded-json.js';

/** Where NATS is, and how to prove who this gateway is. */
export type NatsConnectionSpec = {
  servers: readonly string[];
  /** Files for TLS: a CA to verify the servers, a client certificate and key for mutual TLS. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** A `.creds` file (user JWT and NKey seed). */
  credentials?: string;
  /** The connection's name, as NATS monitoring shows it. */
  name: string;
  /** How long to wait for the first server to answer. */
  connectTimeoutMs?: number;
};

/** Node's codes for a server certificate that does not verify. */
const UNTRUSTED =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_SIGNATURE_FAILURE|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** Connect, or throw naming every server tried and what was wrong. */
export async function connectNats(spec: NatsConnectionSpec): Promise<NatsConnection> {
  const where = spec.servers.join(', ');
  const tlsAsked = spec.tls !== undefined || spec.servers.some((server) => /^tls:\/\//i.test(server));
  // Read here first: a missing file is named as such, not as a failure to connect.
  const read = async (path: string, what: string) =>
    readFile(path).catch((error: unknown) => {
      throw new Error(`cannot read the NATS ${what} ${path} (for NATS at ${where}): ${errorMessage(error)}`);
    });
  const creds = spec.credentials === undefined ? undefined : await read(spec.credentials, 'credentials');
  const tls = spec.tls ?? {};
  await Promise.all([
    tls.caFile === undefined ? undefined : read(tls.caFile, 'CA file (journal.tls.caFile)'),
    tls.certFile === undefined ? undefined : read(tls.certFile, 'client certificate (journal.tls.certFile)'),
    tls.keyFile === undefined ? undefined : read(tls.keyFile, 'client key (journal.tls.keyFile)'),
  ]);
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new Error('journal.tls needs both certFile and keyFile for a client certificate, or neither');
  try {
    return await connect({
      servers: [...spec.servers],
      name: spec.name,
      timeout: spec.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5_000,
      // File names, not contents: the client reads them again at each reconnect, so renewed
      // certificates are picked up. They were read once above only to name a missing one.
      ...(tlsAsked ? { tls: { ...spec.tls } } : {}),
      ...(creds ? { authenticator: credsAuthenticator(creds) } : {}),
    });
  } catch (error) {
    throw new Error(`cannot reach NATS at ${where}: ${await explain(error, spec, tlsAsked)}`);
  }
}

/** What the client's error means for this configuration. */
async function explain(error: unknown, spec: NatsConnectionSpec, tlsAsked: boolean): Promise<string> {
  const message = errorMessage(error);
  const code = codeOf(error);
  if (code !== undefined && UNTRUSTED.test(code)) {
    const trusted =
      spec.tls?.caFile === undefined
        ? 'no journal.tls.caFile is set, so only the system CAs are trusted'
        : `journal.tls.caFile is ${spec.tls.caFile}`;
    return `the server's TLS certificate is not trusted (${message}; ${trusted})`;
  }
  if (/does not support 'tls'/.test(message))
    return `the server does not offer TLS, but this gateway asks for it (${
      spec.tls ? 'journal.tls is set' : 'a tls:// server URL'
    }): use nats:// and no journal.tls, or enable TLS on the server`;
  if (/authorization violation/i.test(message))
    return spec.credentials === undefined
      ? `the server refused this gateway (${message}): it may need credentials (journal.credentials)`
      : `the server refused the credentials ${spec.credentials} (${message}): it does not know this user or its account, or the user is not allowed`;
  // A server that demands a client certificate closes a TLS 1.3 connection without one (or with
  // one it does not trust) after the handshake; the client sees only a timeout. The server's INFO
  // (plain text, before TLS) says whether it demands one.
  if (tlsAsked && /timeout/i.test(message)) {
    const info = await firstInfo(spec.servers).catch(() => null);
    if (info?.tls_verify === true)
      return spec.tls?.certFile === undefined
        ? `the server demands a client certificate (mutual TLS) and journal.tls has no certFile and keyFile (${message})`
        : `the server demands a client certificate (mutual TLS) and did not accept journal.tls.certFile ${spec.tls.certFile}: is it signed by a CA in the server's ca_file? (${message})`;
  }
  return message;
}

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The INFO line the first answering server sends on connecting (within 2 s). */
async function firstInfo(servers: readonly string[]): Promise<{ tls_verify?: boolean } | null> {
  for (const server of servers) {
    const url = new URL(server.includes('://') ? server : `nats://${server}`);
    const info = await new Promise<{ tls_verify?: boolean } | null>((resolve) => {
      const socket = createConnection(Number(url.port || 4222), url.hostname.replace(/^\[|\]$/g, ''));
      let data = '';
      const done = (value: { tls_verify?: boolean } | null) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(2_000, () => done(null));
      socket.on('error', () => done(null));
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
        const end = data.indexOf('\r\n');
        if (end < 0) return data.length > 64_000 ? done(null) : undefined;
        const line = data.slice(0, end);
        try {
          done(line.startsWith('INFO ') ? (JSON.parse(line.slice(5)) as { tls_verify?: boolean }) : null);
        } catch {
          done(null);
        }
      });
    });
    if (info) return info;
  }
  return null;
}
