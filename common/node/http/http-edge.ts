/**
 * The HTTP edge of a `node:http`/`https` server: how long a peer may take to send its
 * headers and its request, how many connections it may hold (in all and from one address),
 * and how many upgrades may be between their request and their completed handshake. Every
 * refusal is counted by reason and logged at a bounded rate: a flood must not become a flood
 * of log lines.
 *
 * Node checks `headersTimeout` and `requestTimeout` only every `connectionsCheckingInterval`
 * (30 s by default), so a peer dribbling header bytes is cut anywhere between the timeout and
 * the timeout plus that interval. Here the interval is a tenth of the headers timeout (50 ms
 * to 1 s) and Node is given each timeout minus one interval: the cut falls within the
 * configured value, not up to 30 s after it. Node also starts that clock at a request's first
 * byte, so a peer idle for most of the timeout and then dribbling held its socket for nearly
 * twice as long: here a connection's first request must have its headers in within
 * `headersTimeoutMs` of the connection (of the TLS handshake, with TLS).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock, type TimerHandle } from '../../clock.js';
import { refuseUpgrade } from './upgrade-refusal.js';

/** The limits; all in milliseconds or counts. */
export type HttpEdgeLimits = {
  /** The whole header block must arrive within this: of the connection for its first request, of its first byte for later ones. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (at least `headersTimeoutMs`). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once, in all (upgraded sockets included); more are dropped at accept. */
  maxConnections: number;
  /** Connections open at once from one remote address; more are destroyed at 'connection'. */
  maxConnectionsPerAddress: number;
  /** Upgrades whose handshake has not completed; more are answered 503. */
  maxPendingUpgrades: number;
  /** An upgrade's handshake must complete within this, or its socket is destroyed. */
  upgradeTimeoutMs: number;
};

/** Why the edge refused or cut a peer; each is a key of the stats' `rejected`. */
export type EdgeRefusal =
  | 'conn_limit_total'
  | 'conn_limit_per_address'
  | 'upgrade_pending_limit'
  | 'upgrade_timeout'
  | 'http_timeout'
  | 'http_bad_request';

/** Where refusals are counted (the gateway's `ServerStats` has this shape). */
export type RefusalCounter = { reject(reason: string): void };

/** What the edge needs: where to count, where to log, a clock, and how often a reason may be logged. */
export type HttpEdgeDeps = {
  stats: RefusalCounter;
  log: (message: string) => void;
  clock?: Clock;
  logIntervalMs?: number;
};

/** The edge installed on one server. */
export type HttpEdge = {
  /**
   * Call first thing in the server's 'upgrade' handler. Null when refused (the socket has been
   * answered 503 and is closing); otherwise call the returned function once the handshake is
   * complete. The slot is also freed if the socket closes first.
   */
  admitUpgrade(socket: Duplex): (() => void) | null;
  /** Connections admitted and still open. */
  connections(): number;
  /** Upgrades admitted whose handshake has not completed. */
  pendingUpgrades(): number;
  /** Stop the upgrade timers and write out any refusal summary still held back. */
  dispose(): void;
};

/** How often Node should look for expired headers and requests, for a given headers timeout. */
export function checkingIntervalFor(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 10)));
}

/** Apply the limits to a server that is not listening yet (Node reads the checking interval at listen). */
export function applyHttpEdge(server: Server, limits: HttpEdgeLimits, deps: HttpEdgeDeps): HttpEdge {
  if (server.listening) throw new Error('apply the HTTP edge before the server listens');
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new Error('headersTimeoutMs must not exceed requestTimeoutMs');
  const clock = deps.clock ?? systemClock;
  const refusals = new RefusalLog(deps.log, clock, deps.logIntervalMs ?? 10_000);
  const refuse = (reason: EdgeRefusal, address: string | undefined, detail: string) => {
    deps.stats.reject(reason);
    refusals.note(reason, `${address ?? 'an unknown address'}: ${detail}`);
  };

  const interval = checkingIntervalFor(limits.headersTimeoutMs);
  // A createServer option that Node keeps on the server and reads at listen; @types/node 20 lacks the property.
  (server as CheckedServer).connectionsCheckingInterval = interval;
  server.headersTimeout = Math.max(1, limits.headersTimeoutMs - interval);
  server.requestTimeout = Math.max(server.headersTimeout, limits.requestTimeoutMs - interval);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;

  server.on('drop', (data?: { remoteAddress?: string }) => {
    refuse('conn_limit_total', data?.remoteAddress, `${limits.maxConnections} connections already open`);
  });

  const perAddress = new Map<string, number>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    const address = peerAddress(socket);
    const count = perAddress.get(address) ?? 0;
    if (count >= limits.maxConnectionsPerAddress) {
      refuse('conn_limit_per_address', address, `${count} connections already open from this address`);
      socket.destroy();
      return;
    }
    perAddress.set(address, count + 1);
    open++;
    if (!(server instanceof TlsServer)) awaitHeaders(socket);
    socket.once('close', () => {
      open--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });

  const awaiting = new Map<Duplex, TimerHandle>();
  const headersIn = (socket: Duplex) => {
    const timer = awaiting.get(socket);
    if (timer === undefined) return;
    awaiting.delete(socket);
    clock.clearTimeout(timer);
  };
  const awaitHeaders = (socket: Duplex) => {
    if (socket.destroyed) return;
    awaiting.set(
      socket,
      clock.setTimeout(() => {
        awaiting.delete(socket);
        if (socket.destroyed) return;
        refuse(
          'http_timeout',
          peerAddress(socket),
          `no complete request headers within ${limits.headersTimeoutMs} ms of connecting`,
        );
        if (socket.writable) socket.write(cannedResponse('ERR_HTTP_REQUEST_TIMEOUT'));
        socket.destroy();
      }, limits.headersTimeoutMs),
    );
    socket.once('close', () => headersIn(socket));
  };
  if (server instanceof TlsServer) server.on('secureConnection', awaitHeaders);
  // Upgrades are seen in admitUpgrade: a listener for 'upgrade' (or 'connect') here would make
  // Node hand such sockets over instead of closing them on a server that does not handle them.
  server.on('request', (request: IncomingMessage) => headersIn(request.socket));

  // A listener replaces Node's default answer, so it is done here the same way: a canned
  // response if nothing has been written yet, then the socket is destroyed.
  server.on(
    'clientError',
    (error: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
      // Already cut (by the first-request deadline, say): Node's periodic check may still see it once.
      if (socket.destroyed) return;
      const code = error.code ?? '';
      const address = peerAddress(socket);
      if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
        refuse(
          'http_timeout',
          address,
          `no complete request within ${limits.headersTimeoutMs} ms (headers) or ${limits.requestTimeoutMs} ms (request)`,
        );
      else if (code.startsWith('HPE_')) refuse('http_bad_request', address, `unparsable request (${code})`);
      if (socket.writable && !socket._httpMessage?.headersSent && code !== 'ECONNRESET')
        socket.write(cannedResponse(code));
      socket.destroy();
    },
  );

  const pending = new Set<TimerHandle>();
  return {
    admitUpgrade: (socket) => {
      headersIn(socket);
      const address = peerAddress(socket);
      if (pending.size >= limits.maxPendingUpgrades) {
        refuse('upgrade_pending_limit', address, `${pending.size} upgrades already waiting for their handshake`);
        socket.once('finish', () => socket.destroy());
        refuseUpgrade(socket, 503, { headers: { 'Retry-After': '1' } });
        return null;
      }
      const timer = clock.setTimeout(() => {
        pending.delete(timer);
        refuse('upgrade_timeout', address, `handshake not complete within ${limits.upgradeTimeoutMs} ms`);
        socket.destroy();
      }, limits.upgradeTimeoutMs);
      pending.add(timer);
      const done = () => {
        if (!pending.delete(timer)) return;
        clock.clearTimeout(timer);
        socket.off('close', done);
      };
      socket.once('close', done);
      return done;
    },
    connections: () => open,
    pendingUpgrades: () => pending.size,
    dispose: () => {
      for (const timer of [...pending, ...awaiting.values()]) clock.clearTimeout(timer);
      pending.clear();
      awaiting.clear();
      refusals.flush();
    },
  };
}

type CheckedServer = Server & { connectionsCheckingInterval: number };

/** The peer's address, an IPv4-mapped IPv6 address written as IPv4 (the same host either way). */
function peerAddress(socket: Duplex): string {
  const address = (socket as Partial<Socket>).remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function cannedResponse(code: string): string {
  const status =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;
}

/**
 * Logs refusals at a bounded rate: the first of a reason at once, then at most one summary
 * line per reason per interval ("N more since the last line; the latest …").
 */
export class RefusalLog {
  private readonly reasons = new Map<
    string,
    { quietUntil: number; held: number; latest: string; timer: TimerHandle | null }
  >();

  constructor(
    private readonly log: (message: string) => void,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Note one refusal; it is logged now, or counted into the next summary. */
  note(reason: string, detail: string): void {
    const now = this.clock.now();
    const state = this.reasons.get(reason);
    if (!state || (now >= state.quietUntil && state.timer === null)) {
      this.log(`refused (${reason}) ${detail}`);
      this.reasons.set(reason, { quietUntil: now + this.intervalMs, held: 0, latest: detail, timer: null });
      return;
    }
    state.held++;
    state.latest = detail;
    if (state.timer === null)
      state.timer = this.clock.setTimeout(() => this.summarize(reason), Math.max(0, state.quietUntil - now));
  }

  /** Write out every summary still held back (on close). */
  flush(): void {
    for (const reason of this.reasons.keys()) this.summarize(reason);
  }

  private summarize(reason: string): void {
    const state = this.reasons.get(reason);
    if (!state) return;
    if (state.timer !== null) this.clock.clearTimeout(state.timer);
    state.timer = null;
    if (state.held === 0) return;
    this.log(`refused (${reason}) ${state.held} more since the last line; the latest ${state.latest}`);
    state.held = 0;
    state.quietUntil = this.clock.now() + this.intervalMs;
  }
}
