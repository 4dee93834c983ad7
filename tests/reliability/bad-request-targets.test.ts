import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessGate } from '../../webshell/access.js';
import { startConsoleServer } from '../../webshell/server.js';
import { startGateway } from '../../gateway/gateway.js';

/** Send raw bytes and read the whole answer (empty if the connection closed without one). */
function answer(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    setTimeout(() => socket.end(), 500);
  });
}
/** Send raw bytes and read the status line of the answer (or "closed"). */
const raw = async (port: number, text: string) => (await answer(port, text)).split('\r\n')[0] || 'closed';
/** The JSON body of an answer (after the blank line that ends its headers). */
const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as unknown;

const targets = [
  'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
];

describe('request targets that are no URL', () => {
  it('the gateway answers 400 or 404 and keeps serving (new URL used to throw in its listeners and end the process)', async () => {
    const gateway = await startGateway({
      listen: { host: '127.0.0.1', port: 0 },
      tokens: ['bad-target-token-0123456789'],
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-target-')), 'j.sqlite') },
    });
    try {
      const plain = await answer(gateway.port, targets[0]!);
      expect(plain.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(bodyOf(plain)).toEqual({ code: 'bad_target', error: 'the request target is not a URL' });
      const upgrade = await answer(gateway.port, targets[1]!);
      expect(upgrade.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
      expect(bodyOf(upgrade)).toEqual({
        code: 'no_route',
        error: 'no route GET to a feed: the request target is not a URL',
      });
      expect(gateway.stats.rejected).toMatchObject({ http_bad_target: 1, upgrade_404: 1 });
      expect((await fetch(`http://127.0.0.1:${gateway.port}/healthz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('the browser console answers 400 or 404 and keeps serving', async () => {
    const core = {
      invoke: async () => ({ ok: true as const, value: null }),
      onUpdate: () => () => {},
      setWindowState: () => {},
    };
    const server = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      rendererDir: tmpdir(),
      gate: new AccessGate('launch-token-0123456789', null),
      core,
      passwordMode: false,
      log: () => {},
    });
    try {
      expect(await raw(server.port, targets[0]!)).toBe('HTTP/1.1 400 Bad Request');
      expect(await raw(server.port, targets[1]!)).toBe('HTTP/1.1 404 Not Found');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
