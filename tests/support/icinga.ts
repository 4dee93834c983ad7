/**
 * A real Icinga 2 (Debian's `icinga2`) for tests: configuration generated into a temporary
 * directory, every path of the daemon pointed there, the API on a free loopback port with
 * Icinga's own CA (`icinga2 api setup`), run in the foreground as the current user. Hosts and
 * services are passive (`dummy` checks, no active checks, one attempt), so a test decides every
 * state with `processCheckResult`. Two API users: `tocsin` with the least permissions the
 * gateway needs, and `root` for the test itself. `restart()` keeps the state directory;
 * `stop()` always stops the daemon (SIGTERM, then SIGKILL) and removes the directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Started } from './processes.js';
import { freePort } from './real-monitoring.js';

export const ICINGA2 = '/usr/sbin/icinga2';
/** The API user the gateway uses, and the permissions documented in docs/sources.md. */
export const ICINGA_USER = { username: 'tocsin', password: 'tocsin-api-password-0123' };
export const ICINGA_PERMISSIONS = [
  'events/*',
  'objects/query/Host',
  'objects/query/Service',
  'actions/acknowledge-problem',
  'actions/remove-acknowledgement',
];
const ROOT = { username: 'root', password: 'root-api-password-0123' };

export type IcingaObjects = { hosts: Array<{ name: string; services: string[] }> };

export type RealIcinga = {
  dir: string;
  port: number;
  /** https://127.0.0.1:<port>; the certificate's name is `localhost` (serverName). */
  url: string;
  caFile: string;
  /** Milliseconds from spawn to every object active (the API listening), per start. */
  startups: number[];
  /** Submit a passive check result as `root` (exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; hosts 0 UP, 1 DOWN). */
  processCheckResult(host: string, service: string | undefined, exitStatus: number, output: string): Promise<void>;
  /** GET an API path as `root`. */
  get(path: string): Promise<unknown>;
  /** POST to an API path as `root` (what Icinga Web does for its user). */
  post(path: string, body: unknown): Promise<unknown>;
  restart(): Promise<void>;
  /** What the running daemon has printed since it started (its log goes to stdout). */
  output(): string;
  /** Stop the daemon, keeping its state, until `start()`. */
  stopDaemon(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** Generate the configuration, create the CA and certificates, and start the daemon. */
export async function startIcinga(objects: IcingaObjects): Promise<RealIcinga> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-icinga-'));
  const paths = {
    ConfigDir: 'etc',
    DataDir: 'lib',
    LogDir: 'log',
    CacheDir: 'cache',
    SpoolDir: 'spool',
    InitRunDir: 'run',
  };
  for (const sub of Object.values(paths)) mkdirSync(join(dir, sub));
  const user = userInfo();
  const defines = [
    ...Object.entries(paths).map(([name, sub]) => `-DConfiguration.${name}=${join(dir, sub)}`),
    // Otherwise Icinga drops to the nagios user and cannot write its PID file here.
    `-DConfiguration.RunAsUser=${user.username}`,
    `-DConfiguration.RunAsGroup=${spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim() || user.username}`,
  ];
  const setup = spawnSync(ICINGA2, ['api', 'setup', '--cn', 'localhost', ...defines], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (setup.status !== 0) throw new Error(`icinga2 api setup failed:\n${setup.stdout}\n${setup.stderr}`);
  const port = await freePort();
  const conf = join(dir, 'etc', 'icinga2.conf');
  writeFileSync(conf, configuration(port, objects));
  const check = spawnSync(ICINGA2, ['daemon', '-C', '-c', conf, ...defines], { encoding: 'utf8', timeout: 60_000 });
  if (check.status !== 0) throw new Error(`icinga2 daemon -C failed:\n${check.stdout}\n${check.stderr}`);

  const caFile = join(dir, 'lib', 'certs', 'ca.crt');
  const ca = readFileSync(caFile);
  let daemon: Started | null = null;
  const startups: number[] = [];
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          ca,
          servername: 'localhost',
          auth: `${ROOT.username}:${ROOT.password}`,
          headers: { accept: 'application/json', 'content-type': 'application/json' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(JSON.parse(text))
              : reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const start = async () => {
    const began = Date.now();
    // Ready once every object is active: the API listens a moment before that, and a client
    // that subscribes to events in between is not to be what a test measures.
    daemon = await startProcess(ICINGA2, ['daemon', '-c', conf, ...defines], /Activated all objects/, {
      timeoutMs: 30_000,
    });
    startups.push(Date.now() - began);
  };
  const stopDaemon = async () => {
    await daemon?.stop();
    daemon = null;
  };
  await start();
  return {
    dir,
    port,
    url: `https://127.0.0.1:${port}`,
    caFile,
    startups,
    processCheckResult: async (host, service, exitStatus, output) => {
      const target =
        service === undefined
          ? { type: 'Host', filter: 'host.name==hn', filter_vars: { hn: host } }
          : { type: 'Service', filter: 'host.name==hn && service.name==sn', filter_vars: { hn: host, sn: service } };
      await call('POST', '/v1/actions/process-check-result', {
        ...target,
        exit_status: exitStatus,
        plugin_output: output,
      });
    },
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    restart: async () => {
      await stopDaemon();
      await start();
    },
    output: () => daemon?.output() ?? '',
    stopDaemon,
    start,
    stop: async () => {
      await stopDaemon();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quote = (text: string) => JSON.stringify(text);

function configuration(port: number, objects: IcingaObjects): string {
  const apiUser = (name: string, password: string, permissions: string[]) =>
    `object ApiUser ${quote(name)} { password = ${quote(password)}; permissions = [ ${permissions.map(quote).join(', ')} ] }`;
  const passive = 'check_command = "dummy"; enable_active_checks = false; max_check_attempts = 1';
  return [
    'const NodeName = "localhost"',
    'const ZoneName = "localhost"',
    'const TicketSalt = ""',
    'include <itl>',
    'object Endpoint NodeName {}',
    'object Zone ZoneName { endpoints = [ NodeName ] }',
    `object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${port} }`,
    apiUser(ICINGA_USER.username, ICINGA_USER.password, ICINGA_PERMISSIONS),
    apiUser(ROOT.username, ROOT.password, ['*']),
    ...objects.hosts.flatMap(({ name, services }) => [
      `object Host ${quote(name)} { ${passive}; address = "127.0.0.1" }`,
      ...services.map((service) => `object Service ${quote(service)} { host_name = ${quote(name)}; ${passive} }`),
    ]),
    '',
  ].join('\n');
}
