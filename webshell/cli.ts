/**
 * `npm run console`: the browser console. Starts the core (in a worker thread, with the
 * embedded demo gateway when no feed is configured) under a supervisor that restarts it when it
 * dies or hangs, and serves the renderer on 127.0.0.1.
 * Binding to any other address needs `--host`, a password (`--password-file`) and TLS
 * (`--tls-cert`/`--tls-key`, or `--insecure-http` when a TLS proxy on the host protects the link).
 *
 * Test hooks, only with TOCSIN_TEST_HOOKS=1 in the environment (the end-to-end tests use them):
 * SIGUSR1 makes the core's worker crash (an uncaught exception thrown from a timer) and SIGUSR2
 * makes it hang (a busy loop that blocks its event loop). The worker obeys only with the same
 * variable; without it neither signal is handled here.
 */
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock.js';
import { CoreHost } from '../main/core/host/core-host.js';
import { CoreSupervisor, DEFAULT_SUPERVISOR_TIMING } from '../main/core/host/core-supervisor.js';
import { notifierFor } from '../main/core/notify/delivery/select.js';
import { errorMessage } from '../common/protocol/bounded-json.js';
import { AccessGate, newToken } from './access.js';
import { checkExposure } from './exposure.js';
import { openOnThisHost } from './open-url.js';
import { startConsoleServer } from './server.js';

const USAGE = `usage: npm run console -- [--host 127.0.0.1] [--port 7417] [--data-dir DIR]
       [--feed ws://HOST:PORT/v1/feed --feed-token TOKEN] [--password-file FILE] [--no-notifications]
       [--tls-cert FILE --tls-key FILE] [--insecure-http]   TLS is required beyond loopback
       [--core-watchdog-ms 3000]   restart the core after this long without its heartbeat`;

/** The same application id as the core's notifications (Windows groups notifications by it). */
const NOTIFICATION_APP_ID = 'dev.tocsin.console';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7417' },
      'data-dir': { type: 'string' },
      feed: { type: 'string' },
      'feed-token': { type: 'string' },
      'password-file': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'insecure-http': { type: 'boolean', default: false },
      'no-notifications': { type: 'boolean', default: false },
      'core-watchdog-ms': { type: 'string', default: String(DEFAULT_SUPERVISOR_TIMING.hangAfterMs) },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got ${values.port}`);
  if (values.feed && !values['feed-token']) throw new UsageError('--feed needs --feed-token');
  const hangAfterMs = Number(values['core-watchdog-ms']);
  if (!Number.isInteger(hangAfterMs) || hangAfterMs < 1000)
    throw new UsageError(
      `--core-watchdog-ms must be a whole number of at least 1000, got ${values['core-watchdog-ms']}`,
    );
  const password = values['password-file'] ? (await readFile(values['password-file'], 'utf8')).trim() : null;
  if (!values['tls-cert'] !== !values['tls-key']) throw new UsageError('--tls-cert and --tls-key go together');
  const tls =
    values['tls-cert'] && values['tls-key']
      ? {
          cert: await readNamed(values['tls-cert'], '--tls-cert'),
          key: await readNamed(values['tls-key'], '--tls-key'),
        }
      : undefined;
  const exposure = checkExposure({
    host: values.host,
    password: password !== null,
    tls: tls !== undefined,
    insecureHttp: values['insecure-http'],
  });
  if (!exposure.ok) throw new UsageError(exposure.message);
  if (password !== null && password.length < 12)
    throw new UsageError('the console password must be at least 12 characters');

  const dataDir = values['data-dir'] ?? process.env.TOCSIN_DATA_DIR ?? defaultDataDir();
  const feeds = values.feed
    ? [{ id: 'cli', name: 'Command-line feed', url: values.feed, token: values['feed-token']! }]
    : [];
  const notifications = values['no-notifications'] ? 'off' : 'native';
  const init = { dataDir, userName: userInfo().username, feeds, notifications } as const;
  const workerPath = join(import.meta.dirname, '../core/worker.cjs');
  // The core's own alarm when it goes down: the same native delivery as alerts, unless they are off.
  const notifier = notifications === 'native' ? notifierFor(process.platform, NOTIFICATION_APP_ID) : null;
  const raiseAlarm = (title: string, body: string) => {
    if (!notifier) return void console.error(`tocsin: ${title}: ${body} (not shown: --no-notifications)`);
    void notifier.show({ kind: 'feed-lost', title, body, urgency: 'critical' }).then((outcome) => {
      if (outcome.kind === 'failed') console.error(`tocsin: the core alarm could not be shown: ${outcome.reason}`);
    });
  };
  const core = await CoreSupervisor.start({
    start: () => CoreHost.start(workerPath, init),
    clock: systemClock,
    log: (line) => console.error(line),
    raiseAlarm,
    timing: { hangAfterMs },
  });
  // A notification's Open runbook: the notification is on this host's desktop, so the link opens here.
  core.onOpenExternal((url) => openOnThisHost(url, (line) => console.error(`tocsin: ${line}`)));
  const token = password === null ? newToken() : null;
  const server = await startConsoleServer({
    host: values.host,
    port,
    rendererDir: join(import.meta.dirname, '../renderer'),
    gate: new AccessGate(token, password, tls !== undefined),
    core,
    passwordMode: password !== null,
    ...(tls ? { tls } : {}),
  });

  console.log(`Tocsin console: ${server.url}${token ? `?token=${token}` : ''}`);
  console.log(`  history: ${dataDir}`);
  console.log(
    `  feed: ${core.embeddedGatewayUrl ? `embedded demo gateway at ${core.embeddedGatewayUrl}` : feeds.length ? values.feed : 'from settings'}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the console and flushing the history…`);
    await server.close();
    await core.close();
    await notifier?.close?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (process.env.TOCSIN_TEST_HOOKS === '1') {
    process.on('SIGUSR1', () => core.injectFault('crash'));
    process.on('SIGUSR2', () => core.injectFault('hang'));
    console.log('  test hooks on: SIGUSR1 crashes the core, SIGUSR2 hangs it');
  }
}

class UsageError extends Error {}

/** A file the command line names, or a UsageError naming the flag and why it could not be read. */
async function readNamed(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${errorMessage(error)}`);
  }
}

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'tocsin', 'console');
}

main().catch((error: unknown) => {
  console.error(
    error instanceof UsageError
      ? `${error.message}\n${USAGE}`
      : `Tocsin console could not start: ${errorMessage(error)}`,
  );
  process.exit(error instanceof UsageError ? 2 : 1);
});
