/**
 * Reading a JSON request body from a source: bounded in size while it streams in, bounded in
 * nesting when it is parsed, and never thrown: every outcome is an answer with the HTTP status
 * and a reason that names what was wrong.
 */
import type { IncomingMessage } from 'node:http';
import { errorMessage, parseBoundedJson } from '../../common/protocol/bounded-json.js';

export type JsonBody =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; code: 'too_large' | 'unreadable' | 'malformed_json' | 'too_deep' | 'forbidden_key'; message: string };

/** Read the whole body (at most `maxBytes`) and parse it as bounded JSON. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  let text: string;
  try {
    text = await readLimited(request, maxBytes);
  } catch (error) {
    return error instanceof TooLarge
      ? { ok: false, status: 413, code: 'too_large', message: `body over ${maxBytes} bytes` }
      : { ok: false, status: 400, code: 'unreadable', message: `could not read the body: ${errorMessage(error)}` };
  }
  const json = parseBoundedJson(text);
  if (json.ok) return json;
  const message = json.code === 'malformed_json' ? `body is not JSON: ${json.message}` : `body refused: ${json.message}`;
  return { ok: false, status: 400, code: json.code, message };
}

class TooLarge extends Error {}

/** The body as UTF-8 text; rejects as soon as it passes `limit` bytes (the rest is drained, not kept). */
export function readLimited(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new TooLarge('too large'));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
