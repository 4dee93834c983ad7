/**
 * The gateway's connection to NATS: TLS and a credentials file when configured, reconnecting
 * for ever once up (a cluster node going away is routine). Not reaching any server at start is
 * an error that names the servers.
 */
import { readFile } from 'node:fs/promises';
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

/** Connect, or throw naming every server tried. */
export async function connectNats(spec: NatsConnectionSpec): Promise<NatsConnection> {
  const where = spec.servers.join(', ');
  let creds: Uint8Array | undefined;
  if (spec.credentials !== undefined) {
    creds = await readFile(spec.credentials).catch((error: unknown) => {
      throw new Error(`cannot read the NATS credentials ${spec.credentials}: ${errorMessage(error)}`);
    });
  }
  try {
    return await connect({
      servers: [...spec.servers],
      name: spec.name,
      timeout: spec.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5_000,
      ...(spec.tls ? { tls: { ...spec.tls } } : {}),
      ...(creds ? { authenticator: credsAuthenticator(creds) } : {}),
    });
  } catch (error) {
    throw new Error(`cannot reach NATS at ${where}: ${errorMessage(error)}`);
  }
}
