/**
 * The URL of an HTTP request, or null. Node's parser accepts request targets that `new URL`
 * refuses (`GET http://[ HTTP/1.1`), and a `new URL` that throws inside a server's request or
 * upgrade listener ends the process: every handler reads the target through here.
 */
import type { IncomingMessage } from 'node:http';

/** Parse `request.url` against a placeholder origin; null when it is no URL at all. */
export function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://request.invalid');
  } catch {
    return null;
  }
}
