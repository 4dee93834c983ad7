/**
 * The Tocsin gateway: journal, WebSocket feed server, HTTP routes for sources, and the
 * sources themselves. Runs on its own (`npm run gateway`) or embedded in the app, where
 * the demo simulator makes the first launch show a living console.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { systemClock, type Clock } from '../common/clock.js';
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '../common/protocol/frames.js';
import type { MetricSample } from '../common/protocol/metrics.js';
import { ActionDesk } from './actions.js';
import { parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from './config.js';
import type { JournalPort } from './journal/journal-port.js';
import { openJournal } from './journal/open-journal.js';
import { FeedSession } from './server/feed-session.js';
import { applyHttpEdge } from '../common/node/http/http-edge.js';
import { ServerStats } from '../common/node/http/server-stats.js';
import { httpError, httpStatusOf, refuseUpgradeWith, sendHttpError } from './server/http-errors.js';
import { decideUpgrade, FEED_PATH } from './server/upgrade.js';
import type { AlertmanagerReceiver } from './sources/alertmanager/receiver.js';
import { DemoSimulator } from './sources/demo/simulator.js';
import { eventsRoute } from './sources/http-post/events-route.js';
import { PrometheusPoller } from './sources/prometheus/poller.js';
import { installSources, type InstalledSources } from './sources/install.js';
import type { EventSink, EventSource, SinkEntry, SourceActionHandler } from './sources/sink.js';
import { errorMessage } from '../common/protocol/bounded-json.js';
import { requestUrl } from '../common/node/http/request-url.js';
import { Directory } from './identity/directory.js';
import { PresenceRegistry } from './identity/presence.js';
import { attachEscalation, type AttachedEscalation } from './escalation/attach.js';
import type { InstalledEscalation } from './escalation/install.js';
import { startClusterRole } from './cluster/install.js';
import { soloRole, type ClusterRole } from './cluster/cluster-role.js';

export const GATEWAY_VERSION = '0.1.0';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** A running gateway. */
export type Gateway = {
  /** ws:// or wss:// URL of the feed. */
  url: string;
  port: number;
  sink: EventSink;
  stats: ServerStats;
  /** The journal: reads are this gateway's own view, writes go to the configured backend. */
  journal: JournalPort;
  /** The people of the configuration, by token and id. */
  directory: Directory;
  /** Whether each person has a console connected and watched. */
  presence: PresenceRegistry;
  /** Mount an HTTP route (sources such as the Alertmanager webhook use this). */
  addRoute(method: string, path: string, handler: RouteHandler): void;
  /** Let a source act on console actions for its alerts (e.g. silences). */
  addActionHandler(handler: SourceActionHandler): void;
  /** Start a source with this gateway's sink; it is stopped on close. */
  addSource(source: EventSource): Promise<void>;
  sessions(): number;
  /** The Alertmanager source, when configured (its statistics and silence handler). */
  alertmanager?: AlertmanagerReceiver;
  /** Escalation (people reached away from a console), when configured. */
  escalation?: InstalledEscalation;
  /** Leadership, signals and shared maps: a lone gateway's own, or its side of a JetStream cluster's. */
  cluster: ClusterRole;
  /** The Prometheus poller, when configured. */
  prometheus?: PrometheusPoller;
  /** Alertmanager, JSON webhooks, Grafana, Icinga 2, Nagios, Zabbix and heartbeats, as configured (sources/install.ts). */
  integrations: InstalledSources;
  close(): Promise<void>;
};

export type GatewayDeps = {
  clock?: Clock;
  log?: (message: string) => void;
  /** better-sqlite3's native module, when not the one Node would load (Electron loads its own build). */
  sqliteNativeBinding?: string;
};

/** Start a gateway from a configuration (defaults filled in by the schema). */
export async function startGateway(input: GatewayConfigInput, deps: GatewayDeps = {}): Promise<Gateway> {
  const config: GatewayConfig = parseGatewayConfig(input);
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? (() => {});
  const tls = config.tls ? await readTls(config.tls) : null;
  // Before the journal opens, so that a bad certificate leaves nothing open behind it.
  // A TLS handshake comes before any header: it gets the headers' time, not Node's 120 s.
  const server: Server = tls
    ? createHttpsServer({ ...tls, handshakeTimeout: config.http.headersTimeoutMs })
    : createHttpServer();
  const stats = new ServerStats();
  const edge = applyHttpEdge(server, config.http, { stats, log, clock });
  // With a JetStream journal, `journal.path` is optional: a cluster's shared state (silences) lives in KV.
  const localPath = config.journal.path ?? ':memory:';
  const journal = await openJournal(config.journal, {
    clock,
    log,
    name: config.name,
    ...(deps.sqliteNativeBinding === undefined ? {} : { nativeBinding: deps.sqliteNativeBinding }),
  }).catch((error: unknown) => {
    edge.dispose();
    throw error;
  });
  const sessions = new Set<FeedSession>();
  const routes = new Map<string, RouteHandler>();
  const actionHandlers = new Map<string, SourceActionHandler>();
  const sources: EventSource[] = [];

  let escalation: AttachedEscalation | null = null;
  // Replaced by the cluster's role once the journal is open; until then nothing publishes.
  let role: ClusterRole = soloRole();
  // Whoever journaled them (this gateway, or another one of a cluster), new frames go to every console.
  journal.onAppended(() => {
    // Journaled is what the caller is told: a console's send failing is that console's problem.
    for (const session of sessions) {
      try {
        session.notifyAppended();
      } catch (error) {
        stats.count('send_failures');
        log(`sending to a console failed: ${errorMessage(error)}`);
      }
    }
  });
  const appendAndFanOut = async (entries: readonly SinkEntry[]) => {
    const seqs = await journal.append(entries);
    escalation?.journaled(entries, seqs);
    return seqs;
  };
  const sink: EventSink = {
    publish: (entries) => appendAndFanOut(entries),
    publishMetrics: (samples: readonly MetricSample[]) => {
      if (samples.length === 0 || (role.kind === 'solo' && sessions.size === 0)) return;
      // Serialized once for every console of every gateway; the schema caps a frame at 10,000
      // samples, a cluster signal at NATS's max_payload (a sample is well under 1 KB).
      const chunk = Math.min(10_000, Math.floor(role.maxSignalBytes / 1024));
      for (let i = 0; i < samples.length; i += chunk)
        role.broadcast('metrics', JSON.stringify({ type: 'metrics', samples: samples.slice(i, i + chunk) }));
    },
    alertState: (alertId) => journal.alertState(alertId),
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    try {
      route(request, response);
    } catch (error) {
      // The one boundary around a request's synchronous part: a bug answers 500, never exits.
      stats.reject('internal_error');
      log(`request ${request.method} from ${request.socket.remoteAddress}: ${errorMessage(error)}`);
      sendHttpError(response, httpError('internal'));
    }
  });
  const route = (request: IncomingMessage, response: ServerResponse) => {
    const path = requestUrl(request)?.pathname;
    if (path === undefined) {
      stats.reject('http_bad_target');
      return sendHttpError(response, httpError('bad_target'));
    }
    if (path === '/healthz') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/readyz') return answerReadiness(response, journal.health(), role);
    const handler = routes.get(`${request.method} ${path}`);
    if (!handler) return sendHttpError(response, httpError('no_route', `${request.method} ${path}`));
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        log(`route ${path} failed: ${errorMessage(error)}`);
        sendHttpError(response, httpError('unavailable', errorMessage(error)));
      });
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const limits = {
    heartbeatMs: config.heartbeatMs,
    ...config.limits,
    maxBufferBytes: Math.max(config.limits.maxBufferBytes, config.limits.softBufferBytes + MAX_FRAME_BYTES),
  };
  const actions = new ActionDesk(
    journal,
    async (event, actionId) => (await appendAndFanOut([{ event, dedupKey: `action:${actionId}` }]))[0]!,
    actionHandlers,
    () => clock.now(),
  );
  const directory = new Directory(config);
  const presence = new PresenceRegistry(() => clock.now());
  const sessionDeps = {
    journal,
    clock,
    stats,
    log,
    presence,
    onAction: (...args: Parameters<ActionDesk['apply']>) => actions.apply(...args),
    gateway: { name: config.name, version: GATEWAY_VERSION },
  };
  server.on('upgrade', (request, socket, head) => {
    // Node hands an upgrading socket over without its error listener: a peer resetting now must not crash us.
    socket.on('error', (error) => {
      stats.count('upgrade_socket_errors');
      log(`feed upgrade from ${request.socket.remoteAddress}: ${error.message}`);
    });
    try {
      upgrade(request, socket, head);
    } catch (error) {
      // The one boundary around an upgrade: a bug costs this connection, never the gateway.
      stats.reject('internal_error');
      log(`feed upgrade from ${request.socket.remoteAddress}: ${errorMessage(error)}`);
      socket.destroy();
    }
  });
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const handshakeDone = edge.admitUpgrade(socket);
    if (!handshakeDone) return;
    const decision = decideUpgrade(request, config.tokens, config.allowedOrigins, directory);
    if (!decision.ok) {
      stats.reject(`upgrade_${httpStatusOf(decision.code)}`);
      log(`refused feed upgrade from ${request.socket.remoteAddress}: ${decision.message}`);
      handshakeDone();
      refuseUpgradeWith(socket, decision);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      handshakeDone();
      const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
      const session = new FeedSession(ws, { ...sessionDeps, limits, transport: socket }, remote, decision.value);
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
    });
  };

  // Before listening: a console must not resume from a view that has not caught up yet.
  await journal.start?.().catch(async (error: unknown) => {
    edge.dispose();
    await journal.close();
    throw error;
  });
  role = await startClusterRole(journal, config.journal, { holder: config.name, clock, log }).catch(
    async (error: unknown) => {
      edge.dispose();
      await journal.close();
      throw new Error(`cannot join the cluster: ${errorMessage(error)}`);
    },
  );
  // Metrics from whichever gateway polls (the leader, in a cluster) go to this gateway's consoles.
  role.onSignal('metrics', (text) => {
    for (const session of sessions) session.offerMetrics(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    edge.dispose();
    await role.close().catch(() => {});
    void journal.close();
    throw new Error(`gateway cannot listen on ${config.listen.host}:${config.listen.port}: ${errorMessage(error)}`);
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;

  const trim = () =>
    journal
      .trim(clock.now(), { leader: role.isLeader() })
      .catch((error: unknown) => log(`trimming the journal failed: ${errorMessage(error)}`));
  await trim();
  let trimTimer = clock.setTimeout(function trimLater() {
    void trim();
    trimTimer = clock.setTimeout(trimLater, 60_000);
  }, 60_000);

  const gateway: Gateway = {
    url: `${config.tls ? 'wss' : 'ws'}://${host}:${port}${FEED_PATH}`,
    port,
    sink,
    stats,
    journal,
    directory,
    presence,
    addRoute: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    addActionHandler: (handler) => void actionHandlers.set(handler.source, handler),
    addSource: async (source) => {
      await source.start(sink);
      sources.push(source);
    },
    sessions: () => sessions.size,
    integrations: {},
    cluster: role,
    close: async () => {
      clock.clearTimeout(trimTimer);
      for (const source of sources) await source.stop();
      // Sessions stop before the journal closes: no timer may read a closed journal.
      for (const session of sessions) session.dispose();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      edge.dispose();
      await escalation?.close();
      await role.close();
      await journal.close();
    },
  };
  try {
    gateway.addRoute(
      'POST',
      '/v1/events',
      eventsRoute(
        sink,
        config.tokens,
        () => clock.now(),
        (reason) => stats.reject(reason),
      ),
    );
    if (config.demo.enabled) {
      await gateway.addSource(
        new DemoSimulator(
          {
            hosts: config.demo.hosts,
            stormPerMinute: config.demo.stormPerMinute,
            seed: config.demo.seed ?? Date.now(),
          },
          clock,
        ),
      );
    }
    gateway.integrations = await installSources(gateway, config, {
      clock,
      log,
      cluster: role,
      journalPath: localPath,
      ...(deps.sqliteNativeBinding === undefined ? {} : { sqliteNativeBinding: deps.sqliteNativeBinding }),
    });
    if (gateway.integrations.alertmanager) gateway.alertmanager = gateway.integrations.alertmanager;
    if (config.prometheus) {
      // Once per cluster: the leader polls, and its samples reach every gateway's consoles.
      gateway.prometheus = new PrometheusPoller(config.prometheus, { log, shouldPoll: () => role.isLeader() });
      await gateway.addSource(gateway.prometheus);
    }
    if (config.escalation) {
      escalation = await attachEscalation(gateway, config.escalation, {
        cluster: role,
        journal,
        windowMs: config.journal.maxAgeMs,
        // Unique per process: two gateways given the same name must still tell each other apart.
        self: `${config.name}/${randomBytes(4).toString('hex')}`,
        journalPath: localPath,
        ...(deps.sqliteNativeBinding === undefined ? {} : { nativeBinding: deps.sqliteNativeBinding }),
        directory,
        presence,
        actions,
        publish: (event) =>
          void appendAndFanOut([{ event }]).catch((error: unknown) =>
            log(`journaling an escalation event failed: ${errorMessage(error)}`),
          ),
        clock,
        log,
      });
      gateway.escalation = escalation.installed;
    }
  } catch (error) {
    // A source or escalation that cannot start (bad section, unreachable bucket) leaves nothing running.
    await gateway.close().catch(() => {});
    throw error;
  }
  return gateway;
}

/** Read the TLS certificate and key, saying which file could not be read. */
async function readTls(files: NonNullable<GatewayConfig['tls']>): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (file: string, what: string) =>
    readFile(file).catch((error: unknown) => {
      throw new Error(`cannot read the gateway's TLS ${what} ${file}: ${errorMessage(error)}`);
    });
  return { cert: await read(files.certFile, 'certificate'), key: await read(files.keyFile, 'key') };
}

/** `/readyz`: 200 only while the journal takes writes and this gateway's view is current (and, in a cluster, whether it leads). */
function answerReadiness(response: ServerResponse, health: ReturnType<JournalPort['health']>, role: ClusterRole): void {
  // In a cluster, whether this gateway leads (does the once-per-cluster work) is said too.
  const leads = role.kind === 'solo' ? '' : role.isLeader() ? '; leader' : '; follower';
  if (health.reachable && health.caughtUp)
    return void response.writeHead(200, { 'content-type': 'text/plain' }).end(`ready: ${health.detail}${leads}\n`);
  sendHttpError(response, httpError('not_ready', health.detail));
}
