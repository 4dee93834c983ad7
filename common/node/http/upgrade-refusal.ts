/**
 * Refusing an HTTP upgrade. Node hands an upgrading socket over before any response object
 * exists, so a refusal is written on the raw socket: a status line, `Connection: close`, and
 * a body whose length is stated, so the peer reads the answer and the connection ends.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** An optional body of the refusal, and extra headers (`Retry-After`, say). */
export type UpgradeRefusalOptions = { contentType?: string; text?: string; headers?: Readonly<Record<string, string>> };

/** The refusal's bytes: the status line, headers and body. */
export function upgradeRefusal(status: number, options: UpgradeRefusalOptions = {}): string {
  const text = options.text ?? '';
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close'];
  for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`${name}: ${value}`);
  if (options.contentType !== undefined && text !== '') lines.push(`Content-Type: ${options.contentType}`);
  lines.push(`Content-Length: ${Buffer.byteLength(text)}`);
  return `${lines.join('\r\n')}\r\n\r\n${text}`;
}

/** Answer an upgrade request with `status` and end the socket (the caller counts and logs). */
export function refuseUpgrade(socket: Duplex, status: number, options: UpgradeRefusalOptions = {}): void {
  socket.end(upgradeRefusal(status, options));
}
