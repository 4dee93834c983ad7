import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { refuseUpgrade, upgradeRefusal } from './upgrade-refusal.js';

describe('refuseUpgrade', () => {
  it('writes the status line, Connection: close and the length of an empty body', () => {
    expect(upgradeRefusal(401)).toBe('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(upgradeRefusal(503, { headers: { 'Retry-After': '1' } })).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('states the length of a body in bytes, not characters', () => {
    const text = '{"error":"é"}';
    expect(upgradeRefusal(404, { contentType: 'application/json', text })).toBe(
      `HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n${text}`,
    );
  });

  it('ends the socket after writing', async () => {
    const written: string[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk, _encoding, callback) {
        written.push(chunk.toString());
        callback();
      },
    });
    const finished = new Promise((resolve) => socket.once('finish', resolve));
    refuseUpgrade(socket, 403);
    await finished;
    expect(written.join('')).toBe('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
});
