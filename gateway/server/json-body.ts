/**
 * Reading a JSON request body from a source: bounded in size while it streams in, bounded in
 * nesting when it is parsed, and never thrown: every outcome is a Result whose failure is one
 * of the gateway's HTTP errors (http-errors.ts gives its status), with a reason that names
 * what was wrong.
 */
import type { IncomingMessage } from 'node:http';
import { errorMessage, parseBoundedJson } from '../../common/protocol/bounded-json.js';
import type { Result } from '../../common/result.js';
import { httpError } from './http-errors.js';

/** Why a body was refused: each is a code of the HTTP errors table. */
export type BodyRefusal = 'body_too_large' | 'body_unreadable' | 'body_not_json' | 'body_too_deep' | 'forbidden_key';

/** The parsed body, or why it was refused. */
export type JsonBody = Result<unknown, BodyRefusal>;

/** Read the whole body (at most `maxBytes`) and parse it as bounded JSON. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  let text: string;
  try {
    text = await readLimited(request, maxBytes);
  } catch (error) {
    return error instanceof TooLarge
      ? httpError('body_too_large', String(maxBytes))
      : httpError('body_unreadable', errorMessage(error));
  }
  const json = parseBoundedJson(text);
  if (json.ok) return json;
  if (json.code === 'malformed_json') return httpError('body_not_json', json.message);
  return json.code === 'too_deep' ? httpError('body_too_deep', json.message) : httpError('forbidden_key', json.message);
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
