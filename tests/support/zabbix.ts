/**
 * A real Zabbix 6.0 (Debian's packages) for tests, everything in a temporary directory and on
 * loopback: a throw-away PostgreSQL cluster (its own port and socket directory) loaded with
 * Zabbix's schema and data, `zabbix_server -f` (AllowRoot, its own config, PID and socket
 * files), and the PHP frontend (where the JSON-RPC API lives) served by `php -S` from a private
 * copy of the web root whose configuration path points into the directory (Debian hard-codes
 * /etc/zabbix). Each program runs in its own process group; `stop()` ends the groups (and a
 * process exit kills whatever is left) and removes the directory. `api` is logged in as Admin.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './real-monitoring.js';
import { freeLowPort, sh, startGroup, type Group } from './zabbix-processes.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const SQL = '/usr/share/zabbix-server-pgsql';
const WEB = '/usr/share/zabbix';
/** What must be installed, and the Debian package that installs it. */
const REQUIRED: Array<[string, string]> = [
  ['/usr/sbin/zabbix_server', 'zabbix-server-pgsql'],
  [`${SQL}/schema.sql.gz`, 'zabbix-server-pgsql'],
  [`${WEB}/api_jsonrpc.php`, 'zabbix-frontend-php'],
  ['/usr/bin/php', 'php-cli'],
  [`${PG_BIN}/postgres`, 'postgresql (15)'],
];

/** Missing programs fail the test by package name (the tests need them; nothing is skipped). */
export function requireZabbixPackages(): void {
  const missing = REQUIRED.filter(([path]) => !existsSync(path)).map(([path, pkg]) => `${pkg} (${path})`);
  if (existsSync('/usr/bin/php') && !/^pgsql$/m.test(spawnSync('/usr/bin/php', ['-m'], { encoding: 'utf8' }).stdout))
    missing.push('php-pgsql (the pgsql PHP module)');
  if (missing.length > 0)
    throw new Error(
      `Zabbix tests need Debian packages that are not installed: ${[...new Set(missing)].join(', ')}. ` +
        'Install: apt-get install --no-install-recommends zabbix-server-pgsql zabbix-frontend-php php-pgsql php-cli postgresql',
    );
}

/** A JSON-RPC client of api_jsonrpc.php; `auth` (a session id or an API token) goes in the body, as 6.0 wants. */
export class ZabbixRpc {
  private id = 0;
  constructor(
    readonly url: string,
    public auth: string | null = null,
  ) {}

  async call<T = unknown>(method: string, params: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api_jsonrpc.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/json-rpc' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method,
        params,
        id: ++this.id,
        ...(this.auth ? { auth: this.auth } : {}),
      }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await response.json()) as { result?: T; error?: { message: string; data: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message} ${body.error.data}`);
    return body.result as T;
  }

  async login(username: string, password: string): Promise<this> {
    this.auth = null;
    this.auth = await this.call<string>('user.login', { username, password });
    return this;
  }
}

export type RealZabbix = {
  dir: string;
  /** The frontend's base URL (api_jsonrpc.php is under it). */
  url: string;
  /** The server's trapper port. */
  serverPort: number;
  /** Logged in as Admin (Super admin). */
  api: ZabbixRpc;
  /** Milliseconds per phase of the start: database, SQL load, frontend, server. */
  timings: Record<string, number>;
  /** Send trapper values (the zabbix_sender protocol); retries until the server knows the item. */
  send(host: string, key: string, value: string | number): Promise<void>;
  /** The server's log (LogType=console). */
  serverLog(): string;
  stop(): Promise<void>;
};

/** Start PostgreSQL, load Zabbix's schema, start the frontend and the server. */
export async function startZabbix(): Promise<RealZabbix> {
  requireZabbixPackages();
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-zabbix-'));
  const started: Group[] = [];
  const stop = async () => {
    // PostgreSQL (the first) last, with SIGINT: its fast shutdown, not waiting for the clients.
    const groups = started.splice(0);
    for (const group of groups.reverse()) await group.stop(group === groups.at(-1) ? 'SIGINT' : 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await start(dir, started, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function start(dir: string, started: Group[], stop: () => Promise<void>): Promise<RealZabbix> {
  const timings: Record<string, number> = {};
  let at = Date.now();
  const lap = (name: string) => {
    timings[name] = Date.now() - at;
    at = Date.now();
  };
  // PostgreSQL will not run as root: its directories belong to postgres, the tests' parent is traversable.
  const root = process.getuid?.() === 0;
  const asPostgres = (command: string, args: string[]): [string, string[]] =>
    root ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const pgData = join(dir, 'pg');
  const pgSocket = join(dir, 'pg-socket');
  for (const sub of [pgData, pgSocket, join(dir, 'run'), join(dir, 'tmp')]) mkdirSync(sub, { mode: 0o755 });
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
    for (const sub of [pgData, pgSocket]) chownSync(sub, uid, uid);
    spawnSync('chmod', ['755', dir]);
  }
  const initdb = spawnSync(
    ...asPostgres(`${PG_BIN}/initdb`, ['-D', pgData, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']),
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}\n${initdb.stderr}`);
  const pgPort = await freePort();
  // Throw-away data: no fsync, no full-page writes.
  const pgArgs = ['-D', pgData, '-k', pgSocket, '-p', String(pgPort), '-c', 'listen_addresses=127.0.0.1'];
  for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']) pgArgs.push('-c', setting);
  started.push(await startGroup(...asPostgres(`${PG_BIN}/postgres`, pgArgs), /ready to accept connections/));
  lap('postgresql');

  const psql = `psql -h 127.0.0.1 -p ${pgPort} -U postgres -q -v ON_ERROR_STOP=1`;
  await sh(
    `${psql} -c 'CREATE DATABASE zabbix' && gzip -dc ${SQL}/schema.sql.gz ${SQL}/images.sql.gz ${SQL}/data.sql.gz | ${psql} -o /dev/null zabbix` +
      // The built-in "Zabbix server" host polls an agent that is not there: disabled, it adds no noise.
      ` && ${psql} -c "UPDATE hosts SET status=1 WHERE host='Zabbix server'" zabbix`,
  );
  lap('sql');

  const serverPort = await freeLowPort();
  const web = join(dir, 'web');
  cpSync(WEB, web, { recursive: true, verbatimSymlinks: true });
  const configFile = join(web, 'conf', 'zabbix.conf.php');
  const configClass = join(web, 'include/classes/core/CConfigFile.php');
  writeFileSync(
    configClass,
    readFileSync(configClass, 'utf8').replace(/CONFIG_FILE_PATH = '[^']*'/, `CONFIG_FILE_PATH = '${configFile}'`),
  );
  writeFileSync(configFile, frontendConfig(pgPort, serverPort));
  const webPort = await freePort();
  const url = `http://127.0.0.1:${webPort}`;
  started.push(
    await startGroup('/usr/bin/php', ['-S', `127.0.0.1:${webPort}`, '-t', web], /Development Server .* started/, {
      env: { PHP_CLI_SERVER_WORKERS: '4' },
    }),
  );
  const api = await new ZabbixRpc(url).login('Admin', 'zabbix');
  lap('frontend');

  const serverConfig = join(dir, 'zabbix_server.conf');
  writeFileSync(serverConfig, serverConf(dir, pgPort, serverPort));
  const server = await startGroup('/usr/sbin/zabbix_server', ['-f', '-c', serverConfig], /started \[trapper #1\]/);
  started.push(server);
  lap('server');

  return {
    dir,
    url,
    serverPort,
    api,
    timings,
    send: async (host, key, value) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const info = await trapper(serverPort, { request: 'sender data', data: [{ host, key, value: String(value) }] });
        if (/processed: 1;/.test(info)) return;
        // The configuration cache (CacheUpdateFrequency=1) has not seen a new item yet.
        if (Date.now() > deadline) throw new Error(`the trapper did not take ${host}:${key}: ${info}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    serverLog: () => server.output(),
    stop,
  };
}

/** One request of Zabbix's TCP protocol ("ZBXD" 0x01, 8-byte little-endian length, JSON); the answer's `info`. */
function trapper(port: number, request: unknown): Promise<string> {
  const json = Buffer.from(JSON.stringify(request));
  const header = Buffer.alloc(13);
  header.write('ZBXD\x01', 'latin1');
  header.writeBigUInt64LE(BigInt(json.length), 5);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('trapper timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('end', () => {
      const answer = JSON.parse(Buffer.concat(chunks).subarray(13).toString()) as { response: string; info?: string };
      resolve(`${answer.response}: ${answer.info ?? ''}`);
    });
    socket.end(Buffer.concat([header, json]));
  });
}

function frontendConfig(pgPort: number, serverPort: number): string {
  return `<?php
$DB['TYPE'] = 'POSTGRESQL';
$DB['SERVER'] = '127.0.0.1';
$DB['PORT'] = '${pgPort}';
$DB['DATABASE'] = 'zabbix';
$DB['USER'] = 'postgres';
$DB['PASSWORD'] = '';
$DB['SCHEMA'] = '';
$DB['DOUBLE_IEEE754'] = true;
$ZBX_SERVER = '127.0.0.1';
$ZBX_SERVER_PORT = '${serverPort}';
$ZBX_SERVER_NAME = 'tocsin-test';
$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
`;
}

function serverConf(dir: string, pgPort: number, serverPort: number): string {
  // Loopback, files in `dir`; new hosts, items and actions seen within a second (CacheUpdateFrequency);
  // only what trapper items, triggers and actions need, few of each on 2 cores.
  return `ListenIP=127.0.0.1
ListenPort=${serverPort}
LogType=console
PidFile=${join(dir, 'run', 'zabbix_server.pid')}
SocketDir=${join(dir, 'run')}
TmpDir=${join(dir, 'tmp')}
DBHost=127.0.0.1
DBPort=${pgPort}
DBName=zabbix
DBUser=postgres
AllowRoot=1
CacheUpdateFrequency=1
HousekeepingFrequency=0
StartPollers=1
StartPollersUnreachable=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTrappers=2
StartTimers=1
StartEscalators=1
StartAlerters=2
StartPreprocessors=1
StartHistoryPollers=1
StartLLDProcessors=1
StartDBSyncers=1
`;
}

/** The media type export shipped in the repository. */
export const MEDIA_TYPE_YAML = join(import.meta.dirname, '../../deploy/zabbix/media_tocsin.yaml');

export type TocsinSetup = { mediatypeid: string; actionid: string };

/**
 * What docs/sources.md tells a Zabbix administrator to do: import the media type, set its
 * `tocsin_url` and `tocsin_token`, set {$ZABBIX.URL}, give a user (here Admin) the media, and
 * add an action for the group's problems whose operations, recovery operations and update
 * operations send through it.
 */
export async function configureTocsin(
  api: ZabbixRpc,
  options: { gatewayUrl: string; token: string; zabbixUrl: string; groupid: string; userid: string },
): Promise<TocsinSetup> {
  const { groupid } = options;
  await api.call('configuration.import', {
    format: 'yaml',
    rules: { mediaTypes: { createMissing: true, updateExisting: true } },
    source: readFileSync(MEDIA_TYPE_YAML, 'utf8'),
  });
  type MediaType = { mediatypeid: string; parameters: Array<{ name: string; value: string }> };
  const [media] = await api.call<MediaType[]>('mediatype.get', {
    filter: { name: 'Tocsin' },
    output: ['mediatypeid', 'parameters'],
  });
  if (!media) throw new Error('the imported media type "Tocsin" is not there');
  const set: Record<string, string> = { tocsin_url: options.gatewayUrl, tocsin_token: options.token };
  await api.call('mediatype.update', {
    mediatypeid: media.mediatypeid,
    parameters: media.parameters.map(({ name, value }) => ({ name, value: set[name] ?? value })),
  });
  await api.call('usermacro.createglobal', { macro: '{$ZABBIX.URL}', value: options.zabbixUrl });
  await api.call('user.update', {
    userid: options.userid,
    medias: [{ mediatypeid: media.mediatypeid, sendto: 'tocsin', active: 0, severity: 63, period: '1-7,00:00-24:00' }],
  });
  const message = { default_msg: 1 };
  const { actionids } = await api.call<{ actionids: string[] }>('action.create', {
    name: 'Send to Tocsin',
    eventsource: 0,
    status: 0,
    esc_period: '1h',
    filter: { evaltype: 0, conditions: [{ conditiontype: 0, operator: 0, value: groupid }] },
    operations: [
      {
        operationtype: 0,
        opmessage: { ...message, mediatypeid: media.mediatypeid },
        opmessage_usr: [{ userid: options.userid }],
      },
    ],
    // 11 and 12: notify all involved (whoever got the problem).
    recovery_operations: [{ operationtype: 11, opmessage: message }],
    update_operations: [{ operationtype: 12, opmessage: message }],
  });
  return { mediatypeid: media.mediatypeid, actionid: actionids[0]! };
}

/** A host with a trapper item `key` (numeric) in `groupid`; its id. */
export async function trapperHost(api: ZabbixRpc, groupid: string, host: string, name: string, key: string) {
  const { hostids } = await api.call<{ hostids: string[] }>('host.create', { host, name, groups: [{ groupid }] });
  await api.call('item.create', { hostid: hostids[0], name: key, key_: key, type: 2, value_type: 3 });
  return hostids[0]!;
}

/** The password of the users `zabbixUser` creates. */
export const USER_PASSWORD = 'Api-Secret-0123456789-x';

/**
 * A user with the "User role" (roleid 1: acknowledging and commenting are among its actions) in
 * user groups `usrgrpids`, which give its permissions on host groups; with `token`, an API token.
 */
export async function zabbixUser(
  api: ZabbixRpc,
  user: { username: string; name: string; surname: string; usrgrpids: string[]; token?: boolean },
): Promise<{ userid: string; token: string }> {
  const { userids } = await api.call<{ userids: string[] }>('user.create', {
    username: user.username,
    name: user.name,
    surname: user.surname,
    passwd: USER_PASSWORD,
    roleid: '1',
    usrgrps: user.usrgrpids.map((usrgrpid) => ({ usrgrpid })),
  });
  const userid = userids[0]!;
  if (!user.token) return { userid, token: '' };
  const { tokenids } = await api.call<{ tokenids: string[] }>('token.create', { name: user.username, userid });
  const [generated] = await api.call<Array<{ token: string }>>('token.generate', tokenids);
  return { userid, token: generated!.token };
}

/** A user group with `permission` (2 read, 3 read-write) on host group `groupid`, or none. */
export async function userGroup(api: ZabbixRpc, name: string, groupid?: string, permission?: 2 | 3) {
  const rights = groupid && permission ? [{ id: groupid, permission }] : [];
  return (await api.call<{ usrgrpids: string[] }>('usergroup.create', { name, rights })).usrgrpids[0]!;
}
