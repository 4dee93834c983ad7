/**
 * A gateway's JetStream journal over TLS and with a `.creds` file, against a real nats-server
 * (Debian's 2.9): mutual TLS with a test CA, and decentralized JWT auth (operator, account with
 * JetStream, user). A real gateway journals what is posted to it and a console receives it. The
 * bad configurations are each refused at start with an error naming what is wrong and where,
 * and leave nothing behind: no NATS connection, no listening port.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBPROTOCOL, type ServerFrame } from '../../common/protocol/frames.js';
import type { GatewayConfigInput } from '../../gateway/config.js';
import { startGateway } from '../../gateway/gateway.js';
import { makeNatsAuth, type NatsAuth } from '../support/nats-creds.js';
import { makeTestPki, type TestPki } from '../support/nats-tls.js';
import { startNats, type NatsCluster } from '../support/nats.js';
import { freePort } from '../support/real-monitoring.js';
import { until } from '../support/until.js';

const TOKEN = 'nats-auth-test-token-0123456789';
type Journal = GatewayConfigInput['journal'];

let pki: TestPki;
let auth: NatsAuth;
let mtls: NatsCluster;
let jwt: NatsCluster;
let plain: NatsCluster;
let both: NatsCluster;
beforeAll(async () => {
  pki = makeTestPki();
  auth = await makeNatsAuth();
  const tls = { ...pki.server, caFile: pki.caFile, verify: true };
  [mtls, jwt, plain, both] = await Promise.all([
    startNats(1, { tls }),
    startNats(1, { auth }),
    startNats(1),
    startNats(1, { tls, auth }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([mtls?.stop(), jwt?.stop(), plain?.stop(), both?.stop()]);
});

/** The server's client connections, from its monitor port. */
async function connz(nats: NatsCluster): Promise<{
  num_connections: number;
  connections?: Array<{ name?: string; tls_version?: string; account?: string; authorized_user?: string }>;
}> {
  const response = await fetch(`http://127.0.0.1:${nats.nodes[0]!.monitorPort}/connz?auth=true`);
  return (await response.json()) as Awaited<ReturnType<typeof connz>>;
}

/** Start a gateway on `journal`, post three events, and have a console receive them from seq 0; their seqs. */
async function roundTrip(journal: Journal, name: string): Promise<number[]> {
  const gateway = await startGateway({ name, listen: { host: '127.0.0.1', port: 0 }, tokens: [TOKEN], journal });
  try {
    const posted = await fetch(`http://127.0.0.1:${gateway.port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(
        [1, 2, 3].map((n) => ({
          kind: 'fired',
          alertId: `${name}-${n}`,
          alert: { title: `${name} ${n}`, severity: 'high', category: 'outage' },
        })),
      ),
    });
    expect(posted.status).toBe(202);
    const frames = await new Promise<ServerFrame[]>((resolve, reject) => {
      const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${TOKEN}` } });
      const received: ServerFrame[] = [];
      const timer = setTimeout(() => reject(new Error('the console did not receive 3 events within 10 s')), 10_000);
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'test', version: '0' }, resume: { alerts: 0 } })),
      );
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.type === 'event' && frame.event.alertId.startsWith(`${name}-`)) received.push(frame);
        if (received.length === 3) {
          clearTimeout(timer);
          ws.close();
          resolve(received);
        }
      });
      ws.on('error', reject);
    });
    const events = frames.filter((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event');
    expect(events.map((f) => f.event.alertId)).toEqual([1, 2, 3].map((n) => `${name}-${n}`));
    return events.map((f) => f.seq);
  } finally {
    await gateway.close();
  }
}

/** startGateway on `journal` must fail; its message; and nothing left open (NATS connections, the port). */
async function refused(journal: Journal, nats: NatsCluster): Promise<string> {
  const port = await freePort();
  const error = await startGateway({ listen: { host: '127.0.0.1', port }, tokens: [TOKEN], journal }).then(
    async (gateway) => {
      await gateway.close();
      return new Error('the gateway started');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).not.toBe('the gateway started');
  await until(async () => (await connz(nats)).num_connections === 0, 5_000, 'no NATS connection left');
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
  return message;
}

describe('a JetStream journal over mutual TLS', () => {
  it('journals and delivers with the test CA and a client certificate, over TLS', async () => {
    const journal: Journal = {
      kind: 'jetstream',
      servers: mtls.servers,
      stream: 'MTLS',
      tls: { caFile: pki.caFile, ...pki.client },
    };
    expect(mtls.servers[0]).toMatch(/^tls:\/\//);
    const gateway = await startGateway({
      name: 'gw-mtls',
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [TOKEN],
      journal,
    });
    try {
      const conns = (await connz(mtls)).connections ?? [];
      expect(conns.filter((c) => c.name === 'gw-mtls').length).toBeGreaterThan(0);
      for (const c of conns.filter((c) => c.name === 'gw-mtls')) expect(c.tls_version).toMatch(/^1\.[23]$/);
    } finally {
      await gateway.close();
    }
    expect(await roundTrip(journal, 'mtls')).toEqual([1, 2, 3]);
    // A nats:// URL to a TLS server: the client upgrades, as the server requires.
    expect(
      await roundTrip({ ...journal, servers: mtls.servers.map((s) => s.replace(/^tls:/, 'nats:')) }, 'mtls-nats'),
    ).toEqual([4, 5, 6]);
  }, 60_000);

  it('refuses a server whose certificate the configured CA did not sign, naming the CA file', async () => {
    const message = await refused(
      { kind: 'jetstream', servers: mtls.servers, stream: 'MTLS', tls: { caFile: pki.otherCaFile, ...pki.client } },
      mtls,
    );
    expect(message).toContain(`cannot reach NATS at ${mtls.servers[0]}`);
    expect(message).toContain("the server's TLS certificate is not trusted");
    expect(message).toContain(`journal.tls.caFile is ${pki.otherCaFile}`);
  }, 30_000);

  it('refuses a TLS server with no CA configured: only the system CAs are trusted', async () => {
    const message = await refused({ kind: 'jetstream', servers: mtls.servers, stream: 'MTLS' }, mtls);
    expect(message).toContain(`cannot reach NATS at ${mtls.servers[0]}`);
    expect(message).toContain("the server's TLS certificate is not trusted");
    expect(message).toContain('no journal.tls.caFile is set');
  }, 30_000);

  it('says the server demands a client certificate when none is configured', async () => {
    const message = await refused(
      { kind: 'jetstream', servers: mtls.servers, stream: 'MTLS', tls: { caFile: pki.caFile } },
      mtls,
    );
    expect(message).toContain(`cannot reach NATS at ${mtls.servers[0]}`);
    expect(message).toContain('the server demands a client certificate (mutual TLS)');
    expect(message).toContain('journal.tls has no certFile and keyFile');
  }, 30_000);

  it('says the server did not accept a client certificate signed by a CA it does not trust', async () => {
    const message = await refused(
      { kind: 'jetstream', servers: mtls.servers, stream: 'MTLS', tls: { caFile: pki.caFile, ...pki.strangerClient } },
      mtls,
    );
    expect(message).toContain(`cannot reach NATS at ${mtls.servers[0]}`);
    expect(message).toContain(
      `the server demands a client certificate (mutual TLS) and did not accept journal.tls.certFile ${pki.strangerClient.certFile}`,
    );
  }, 30_000);

  it('names a TLS file that cannot be read, and refuses a certificate without its key', async () => {
    const missing = `${pki.dir}/nope.pem`;
    const message = await refused(
      { kind: 'jetstream', servers: mtls.servers, stream: 'MTLS', tls: { caFile: missing, ...pki.client } },
      mtls,
    );
    expect(message).toContain(`cannot read the NATS CA file (journal.tls.caFile) ${missing}`);
    expect(message).toContain(`for NATS at ${mtls.servers[0]}`);
    expect(message).toContain('ENOENT');
    const half = await refused(
      {
        kind: 'jetstream',
        servers: mtls.servers,
        stream: 'MTLS',
        tls: { caFile: pki.caFile, certFile: pki.client.certFile },
      },
      mtls,
    );
    expect(half).toContain('journal.tls needs both certFile and keyFile');
  }, 30_000);
});

describe('a JetStream journal with a .creds file (operator, account, user JWTs)', () => {
  it('journals and delivers as the user of the account', async () => {
    const credentials = await auth.userCreds('gateway');
    const journal: Journal = { kind: 'jetstream', servers: jwt.servers, stream: 'CREDS', credentials };
    const gateway = await startGateway({
      name: 'gw-creds',
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [TOKEN],
      journal,
    });
    try {
      const conns = ((await connz(jwt)).connections ?? []).filter((c) => c.name === 'gw-creds');
      expect(conns.length).toBeGreaterThan(0);
      for (const c of conns) expect(c.account).toBe(auth.account);
    } finally {
      await gateway.close();
    }
    expect(await roundTrip(journal, 'creds')).toEqual([1, 2, 3]);
  }, 60_000);

  it('names a credentials file that does not exist', async () => {
    const missing = `${auth.dir}/missing.creds`;
    const message = await refused(
      { kind: 'jetstream', servers: jwt.servers, stream: 'CREDS', credentials: missing },
      jwt,
    );
    expect(message).toContain(`cannot read the NATS credentials ${missing} (for NATS at ${jwt.servers[0]})`);
    expect(message).toContain('ENOENT');
  }, 30_000);

  it('refuses the credentials of a user the server does not know (authorization violation)', async () => {
    const stranger = await auth.strangerCreds('stranger');
    const message = await refused(
      { kind: 'jetstream', servers: jwt.servers, stream: 'CREDS', credentials: stranger },
      jwt,
    );
    expect(message).toContain(`cannot reach NATS at ${jwt.servers[0]}`);
    expect(message).toContain(`the server refused the credentials ${stranger}`);
    expect(message).toMatch(/Authorization Violation/i);
  }, 30_000);

  it('says credentials may be needed when none are configured', async () => {
    const message = await refused({ kind: 'jetstream', servers: jwt.servers, stream: 'CREDS' }, jwt);
    expect(message).toContain(`cannot reach NATS at ${jwt.servers[0]}`);
    expect(message).toContain('it may need credentials (journal.credentials)');
  }, 30_000);
});

describe('a JetStream journal over mutual TLS and with a .creds file at once', () => {
  it('journals and delivers as the user of the account, over TLS', async () => {
    const journal: Journal = {
      kind: 'jetstream',
      servers: both.servers,
      stream: 'BOTH',
      tls: { caFile: pki.caFile, ...pki.client },
      credentials: await auth.userCreds('gateway-both'),
    };
    expect(await roundTrip(journal, 'both')).toEqual([1, 2, 3]);
  }, 60_000);

  it('with the certificate right and an unknown user, blames the credentials', async () => {
    const stranger = await auth.strangerCreds('stranger-both');
    const message = await refused(
      {
        kind: 'jetstream',
        servers: both.servers,
        stream: 'BOTH',
        tls: { caFile: pki.caFile, ...pki.client },
        credentials: stranger,
      },
      both,
    );
    expect(message).toContain(`the server refused the credentials ${stranger}`);
  }, 30_000);
});

describe('TLS asked of a NATS server without TLS', () => {
  it('refuses journal.tls on a nats:// server that has no TLS', async () => {
    const message = await refused(
      { kind: 'jetstream', servers: plain.servers, stream: 'PLAIN', tls: { caFile: pki.caFile } },
      plain,
    );
    expect(message).toContain(`cannot reach NATS at ${plain.servers[0]}`);
    expect(message).toContain('the server does not offer TLS, but this gateway asks for it (journal.tls is set)');
  }, 30_000);

  it('refuses a tls:// URL to a server without TLS instead of falling back to plain text', async () => {
    const servers = plain.servers.map((s) => s.replace(/^nats:/, 'tls:'));
    const message = await refused({ kind: 'jetstream', servers, stream: 'PLAIN' }, plain);
    expect(message).toContain(`cannot reach NATS at ${servers[0]}`);
    expect(message).toContain('the server does not offer TLS, but this gateway asks for it (a tls:// server URL)');
  }, 30_000);
});
