/**
 * An HTTP proxy on loopback that forwards every request to a real server and records who asked
 * what, and when: which gateway (by the bearer token it was configured with), the method and
 * path. Tests use it to see which gateway of a cluster polls and checks, and how often.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedRequest = { at: number; token: string; method: string; path: string };

export type CountingProxy = {
  url: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
};

/** Forward to `target` (http://host:port); every request is recorded before it is forwarded. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const token = (incoming.headers.authorization ?? '').replace(/^Bearer /, '');
    requests.push({ at: Date.now(), token, method: incoming.method ?? '', path: incoming.url ?? '' });
    const forward = httpRequest(
      { host: to.hostname, port: to.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', (error) => outgoing.writeHead(502).end(error.message));
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
