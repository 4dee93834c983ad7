/** Answering an HTTP request with JSON that must never be cached (answers about a person's own state). */
import type { ServerResponse } from 'node:http';

/** `value` as JSON with `status`, `no-store`, and its length. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = `${JSON.stringify(value)}\n`;
  response
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
