/**
 * The browser console's HTTP server: the renderer's files, the `/api` socket, and the access
 * gate in front of both. Bound to 127.0.0.1 unless the operator explicitly asks otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyHttpEdge, type HttpEdgeLimits } from '../common/node/http/http-edge.js';
import { ServerStats } from '../common/node/http/server-stats.js';
import { AccessGate, isSameOrigin } from './access.js';
import { ApiSocketBridge, type CoreEndpoint } from './api-socket.js';
import { serveStatic } from './static-files.js';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../common/protocol/bounded-json.js';
import { requestUrl } from '../common/node/http/request-url.js';
import { refuseUpgrade } from '../common/node/http/upgrade-refusal.js';
import { LoginThrottle } from './login-throttle.js';

export type ConsoleServerOptions = {
  host: string;
  port: number;
  /** Built renderer directory (dist/renderer). */
  rendererDir: string;
  gate: AccessGate;
  core: CoreEndpoint;
  /** True when a password (not a printed token) protects the console. */
  passwordMode: boolean;
  /** The HTTP edge's limits; each one left out is taken from CONSOLE_HTTP_DEFAULTS. */
  http?: Partial<HttpEdgeLimits>;
  /** Where refusals are logged (at a bounded rate); stderr by default. */
  log?: (message: string) => void;
  /** Serve HTTPS with this certificate and key (PEM); with it every answer carries HSTS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Password attempts per address (default: 5 failures a minute). */
  loginThrottle?: LoginThrottle;
};

/** HSTS for a year: once a browser has reached the console over TLS, it never tries plain HTTP. */
export const HSTS = 'max-age=31536000';

/**
 * Limits for a console one operator's browser uses, on loopback by default: a browser opens
 * at most six HTTP connections to an origin plus one socket per tab, so 64 from one address
 * covers a wall of tabs and 256 in all a few operators in password mode. Upgrades complete in
 * one turn of the event loop, so 16 waiting ones only fill up under attack. The timeouts are
 * the gateway's: a page's requests are small.
 */
export const CONSOLE_HTTP_DEFAULTS: HttpEdgeLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
  maxConnectionsPerAddress: 64,
  maxPendingUpgrades: 16,
  upgradeTimeoutMs: 10_000,
};

/** A listening browser console; `stats.rejected` counts what its HTTP edge refused, by reason. */
export type ConsoleServer = {
  url: string;
  port: number;
  bridge: ApiSocketBridge;
  stats: ServerStats;
  close(): Promise<void>;
};

/** Start the console's HTTP server and its `/api` bridge. */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const log = options.log ?? ((line: string) => console.error(`Tocsin console HTTP: ${line}`));
  const bridge = new ApiSocketBridge(options.core, log);
  const throttle = options.loginThrottle ?? new LoginThrottle(() => Date.now());
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    if (options.tls) response.setHeader('strict-transport-security', HSTS);
    handleHttp(options, throttle, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${errorMessage(error)}\n`);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createServer(handler);
  const stats = new ServerStats();
  const edge = applyHttpEdge(server, { ...CONSOLE_HTTP_DEFAULTS, ...options.http }, { stats, log });
  server.on('upgrade', (request, socket, head) => {
    // An upgrading socket comes without Node's error listener: a peer resetting must not crash the console.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(request, socket, head);
    } catch (error) {
      // The one boundary around an upgrade: a bug costs this connection, never the console.
      stats.reject('internal_error');
      log(`upgrade from ${request.socket.remoteAddress}: ${errorMessage(error)}`);
      socket.destroy();
    }
  });
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const handshakeDone = edge.admitUpgrade(socket);
    if (!handshakeDone) return;
    const path = requestUrl(request)?.pathname ?? null;
    const access = options.gate.authorize(request);
    if (path !== '/api' || !access.ok || !isSameOrigin(request)) {
      handshakeDone();
      const status = path !== '/api' ? 404 : access.ok ? 403 : 401;
      stats.reject(`upgrade_${status}`);
      refuseUpgrade(socket, status);
      return;
    }
    bridge.handleUpgrade(request, socket, head);
    // ws completes a handshake without an asynchronous verifyClient before returning: the 101
    // is written, or the socket destroyed.
    handshakeDone();
  };
  await listen(server, options.host, options.port).catch((error: unknown) => {
    edge.dispose();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${hostForUrl}:${port}/`,
    port,
    bridge,
    stats,
    close: async () => {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      edge.dispose();
    },
  };
}

async function handleHttp(
  options: ConsoleServerOptions,
  throttle: LoginThrottle,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = requestUrl(request);
  if (url === null) {
    response.writeHead(400, { 'content-type': 'text/plain' }).end('the request target is not a URL\n');
    return;
  }
  if (url.pathname === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (request.method === 'POST' && url.pathname === '/login' && options.passwordMode) {
    const address = request.socket.remoteAddress ?? 'unknown';
    const wait = throttle.retryAfter(address);
    if (wait > 0) {
      request.resume();
      const seconds = Math.ceil(wait / 1000);
      return void response
        .writeHead(429, { 'content-type': 'text/html; charset=utf-8', 'retry-after': String(seconds) })
        .end(loginPage(`Too many wrong passwords from this address: try again in ${seconds} s.`));
    }
    const cookie = options.gate.login(new URLSearchParams(await readBody(request, 4096)).get('password') ?? '');
    if (cookie === null) {
      throttle.failed(address);
      return void response
        .writeHead(401, { 'content-type': 'text/html; charset=utf-8' })
        .end(loginPage('Wrong password.'));
    }
    throttle.succeeded(address);
    return void response.writeHead(303, { location: '/', 'set-cookie': cookie }).end();
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const access = options.gate.authorize(request);
  if (!access.ok) {
    response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(
      options.passwordMode ? loginPage(access.code === 'bad_credentials' ? 'Wrong password.' : '') : tokenPage(),
    );
    return;
  }
  const extra: Record<string, string> = access.value.setCookie ? { 'set-cookie': access.value.setCookie } : {};
  await serveStatic(options.rendererDir, url.pathname, request.headers.host ?? options.host, response, extra);
}

function tokenPage(): string {
  return '<!doctype html><title>Tocsin</title><p>This Tocsin console needs its access token: open the full URL that <code>npm run console</code> printed.</p>\n';
}

function loginPage(problem: string): string {
  return `<!doctype html><title>Tocsin</title><form method="post" action="/login"><p>${problem ? `${problem} ` : ''}Tocsin console password:</p><input type="password" name="password" autofocus><button>Sign in</button></form>\n`;
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) {
        reject(new Error('request body too large'));
        request.destroy();
      }
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
