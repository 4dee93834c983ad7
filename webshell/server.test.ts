import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { selfSignedCert } from '../tests/support/tls-cert.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessGate } from './access.js';
import { LoginThrottle } from './login-throttle.js';
import { HSTS, startConsoleServer, type ConsoleServer } from './server.js';

const TOKEN = 'launch-token-0123456789';
const open: ConsoleServer[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function consoleServer(extra: Partial<Parameters<typeof startConsoleServer>[0]> = {}): Promise<ConsoleServer> {
  const core = {
    invoke: async () => ({ ok: true as const, value: null }),
    onUpdate: () => () => {},
    setWindowState: () => {},
  };
  const server = await startConsoleServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: tmpdir(),
    gate: new AccessGate(TOKEN, null),
    core,
    passwordMode: false,
    log: () => {},
    ...extra,
  });
  open.push(server);
  return server;
}

/** Ask for an upgrade on a raw socket and read everything the server answers before it closes. */
function upgrade(port: number, target: string, extra = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
      ),
    );
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      // An accepted upgrade stays open: its answer is the head alone.
      if (answer.startsWith('HTTP/1.1 101') && answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the console server refusing page sockets', () => {
  it('answers 404 elsewhere than /api, 401 without the token, 403 from another origin, each counted', async () => {
    const server = await consoleServer();
    const empty = (status: string) => `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
    expect(await upgrade(server.port, `/elsewhere?token=${TOKEN}`)).toBe(empty('404 Not Found'));
    expect(await upgrade(server.port, '/api')).toBe(empty('401 Unauthorized'));
    expect(await upgrade(server.port, `/api?token=${TOKEN}`, 'Origin: https://evil.example\r\n')).toBe(
      empty('403 Forbidden'),
    );
    expect(server.stats.rejected).toMatchObject({ upgrade_404: 1, upgrade_401: 1, upgrade_403: 1 });
    expect(await upgrade(server.port, `/api?token=${TOKEN}`)).toMatch(/^HTTP\/1.1 101 Switching Protocols/);
  });
});

describe('the console over TLS, with a password', () => {
  const { certFile, keyFile } = selfSignedCert();
  const tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  const PASSWORD = 'correct horse battery staple';

  /** One HTTPS request trusting the test certificate: status, headers and body. */
  const call = (port: number, method: string, path: string, body?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
      (resolve, reject) => {
        const request = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            ca: tls.cert,
            headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
            );
          },
        );
        request.on('error', reject);
        request.end(body);
      },
    );

  it('serves HTTPS with HSTS, and its session cookie is Secure', async () => {
    const server = await consoleServer({
      tls,
      gate: new AccessGate(null, PASSWORD, true),
      passwordMode: true,
    });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await call(server.port, 'GET', '/');
    expect(page.status).toBe(401);
    expect(page.headers['strict-transport-security']).toBe(HSTS);
    const login = await call(server.port, 'POST', '/login', `password=${encodeURIComponent(PASSWORD)}`);
    expect(login.status).toBe(303);
    expect(String(login.headers['set-cookie'])).toMatch(
      /^tocsin_console=[\w-]+; HttpOnly; SameSite=Strict; Path=\/; Secure$/,
    );
  });

  it('refuses password attempts past five a minute from one address, even the right one', async () => {
    let now = 0;
    const server = await consoleServer({
      tls,
      gate: new AccessGate(null, PASSWORD, true),
      passwordMode: true,
      loginThrottle: new LoginThrottle(() => now),
    });
    for (let i = 0; i < 5; i++) expect((await call(server.port, 'POST', '/login', 'password=guess')).status).toBe(401);
    const held = await call(server.port, 'POST', '/login', `password=${encodeURIComponent(PASSWORD)}`);
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(held.body).toContain('Too many wrong passwords from this address');
    now = 61_000;
    expect((await call(server.port, 'POST', '/login', `password=${encodeURIComponent(PASSWORD)}`)).status).toBe(303);
  });
});
