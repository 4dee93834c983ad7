import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessGate } from '../../webshell/access.js';
import { startConsoleServer } from '../../webshell/server.js';
import { startGateway } from '../../gateway/gateway.js';

/** Send raw bytes and read the status line of the answer (or "closed"). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.on('error', reject);
    setTimeout(() => socket.end(), 500);
  });
}

const targets = ['GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n', 'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'];

describe('request targets that are no URL', () => {
  it('the gateway answers 400 or 404 and keeps serving (new URL used to throw in its listeners and end the process)', async () => {
    const gateway = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, tokens: ['bad-target-token-0123456789'], journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-target-')), 'j.sqlite') } });
    try {
      expect(await raw(gateway.port, targets[0]!)).toBe('HTTP/1.1 400 Bad Request');
      expect(await raw(gateway.port, targets[1]!)).toBe('HTTP/1.1 404 Not Found');
      expect(gateway.stats.rejected).toMatchObject({ http_bad_target: 1, upgrade_404: 1 });
      expect((await fetch(`http://127.0.0.1:${gateway.port}/healthz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('the browser console answers 400 or 404 and keeps serving', async () => {
    const core = { invoke: async () => ({ ok: true as const, value: null }), onUpdate: () => () => {}, setWindowState: () => {} };
    const server = await startConsoleServer({ host: '127.0.0.1', port: 0, rendererDir: tmpdir(), gate: new AccessGate('launch-token-0123456789', null), core, passwordMode: false, log: () => {} });
    try {
      expect(await raw(server.port, targets[0]!)).toBe('HTTP/1.1 400 Bad Request');
      expect(await raw(server.port, targets[1]!)).toBe('HTTP/1.1 404 Not Found');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
