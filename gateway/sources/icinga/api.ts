/**
 * Icinga 2's REST API over TLS with basic auth: JSON requests, and the event stream
 * (`POST /v1/events`), read as newline-delimited JSON with each line bounded.
 */
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { errorMessage, parseBoundedJson } from '../../../common/protocol/bounded-json.js';

/** Longest event line accepted; a longer one is dropped and counted (Icinga's are a few KiB). */
const MAX_LINE_BYTES = 1024 * 1024;

export type IcingaApiOptions = {
  url: string;
  username: string;
  password: string;
  ca?: Buffer;
  serverName?: string;
  timeoutMs: number;
};

/** An open event stream: lines are handed to `onEvent` (or `onBadLine`); `closed` settles when it ends. */
export type EventStream = { closed: Promise<string>; close(): void };

export class IcingaApi {
  private readonly base: URL;
  constructor(private readonly options: IcingaApiOptions) {
    this.base = new URL(options.url);
  }

  private requestOptions(method: string, path: string): RequestOptions {
    const url = new URL(path, this.base);
    return {
      method,
      host: url.hostname,
      port: url.port || 5665,
      path: `${url.pathname}${url.search}`,
      auth: `${this.options.username}:${this.options.password}`,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      ...(this.options.serverName ? { servername: this.options.serverName } : {}),
    };
  }

  /** One JSON request; rejects with Icinga's status and message on anything but 2xx. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(this.requestOptions(method, path), (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = parseBoundedJson(text, 64);
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299)
            return reject(
              new Error(
                `Icinga answered ${status} to ${method} ${path}: ${describeStatus(json.ok ? json.value : text)}`,
              ),
            );
          if (!json.ok) return reject(new Error(`Icinga's answer to ${method} ${path} is not JSON: ${json.message}`));
          resolve(json.value);
        });
      });
      request.setTimeout(this.options.timeoutMs, () =>
        request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
      );
      request.on('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Subscribe to the event stream; resolves once Icinga accepted the subscription. */
  openEvents(
    queue: string,
    types: readonly string[],
    onEvent: (event: unknown) => void,
    onBadLine: (why: string) => void,
  ): Promise<EventStream> {
    const query = new URLSearchParams([['queue', queue], ...types.map((type): [string, string] => ['types', type])]);
    return new Promise((resolve, reject) => {
      const request = httpsRequest(this.requestOptions('POST', `/v1/events?${query}`), (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`Icinga answered ${response.statusCode} to the event subscription`));
        }
        let buffered = '';
        let closedWith: (why: string) => void = () => {};
        const closed = new Promise<string>((settle) => (closedWith = settle));
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) !== -1) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) handleLine(line);
          }
          if (buffered.length > MAX_LINE_BYTES) {
            onBadLine(`an event line over ${MAX_LINE_BYTES} bytes was dropped`);
            buffered = '';
          }
        });
        const handleLine = (line: string) => {
          const json = parseBoundedJson(line, 64);
          if (!json.ok) return onBadLine(`an event that is not JSON was dropped: ${json.message}`);
          try {
            onEvent(json.value);
          } catch (error) {
            onBadLine(`an event could not be handled: ${errorMessage(error)}`);
          }
        };
        response.on('end', () => closedWith('Icinga ended the event stream'));
        response.on('error', (error) => closedWith(errorMessage(error)));
        response.on('close', () => closedWith('the event stream closed'));
        resolve({ closed, close: () => request.destroy() });
      });
      request.setTimeout(this.options.timeoutMs, () => {
        // Only the wait for the subscription's answer is timed: the stream itself is quiet for long.
        if (!request.reusedSocket) request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`));
      });
      request.on('response', () => request.setTimeout(0));
      // A quiet stream is normal; TCP keep-alive is what notices an Icinga host that vanished.
      request.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
      request.on('error', reject);
      request.end();
    });
  }
}

function describeStatus(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const { status, error } = value as { status?: unknown; error?: unknown };
    if (typeof status === 'string') return status;
    if (typeof error === 'number' || typeof error === 'string')
      return `${String(error)} ${JSON.stringify(value).slice(0, 200)}`;
  }
  return String(typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 300);
}
