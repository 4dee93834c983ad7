import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessGate } from './access.js';
import { startConsoleServer, type ConsoleServer } from './server.js';

const TOKEN = 'launch-token-0123456789';
const open: ConsoleServer[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function consoleServer(): Promise<ConsoleServer> {
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
