/**
 * A real Nagios Core 4 (Debian's `nagios4-core`) for tests, in the foreground, every path in a
 * temporary directory, `interval_length=1` so intervals are seconds. Hosts and services are
 * passive (a test sets their state through the external command file); their contact notifies
 * with deploy/nagios/tocsin-notify, and a `tocsin-spool` service runs its `--flush` every
 * second and posts the `nagios` heartbeat. `stop()` always stops Nagios (SIGTERM, then SIGKILL) and removes the directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, type Started } from './processes.js';

export const NAGIOS4 = '/usr/sbin/nagios4';
/** The notification command shipped in the repository. */
export const TOCSIN_NOTIFY = resolve(import.meta.dirname, '../../deploy/nagios/tocsin-notify');

export type RealNagios = {
  dir: string;
  commandFile: string;
  spool: string;
  /** Write an external command (`PROCESS_SERVICE_CHECK_RESULT;web-1;http;2;…`), timestamped now. */
  command(text: string): Promise<void>;
  /** The status.dat block of a service (or of a host, without `service`), as key → value. */
  status(host: string, service?: string): Record<string, string> | undefined;
  stop(): Promise<void>;
};

/** Generate the configuration, check it with `nagios4 -v`, and start Nagios. */
export async function startNagios(options: {
  hosts: Array<{ name: string; services: string[] }>;
  gatewayUrl: string;
  token: string;
}): Promise<RealNagios> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-nagios-'));
  for (const sub of ['rw', 'tmp', 'checkresults', 'spool']) mkdirSync(join(dir, sub));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${options.token}\n`, { mode: 0o600 });
  const spool = join(dir, 'spool');
  const commandFile = join(dir, 'rw', 'nagios.cmd');
  const cfg = join(dir, 'nagios.cfg');
  writeFileSync(cfg, mainConfig(dir, commandFile));
  writeFileSync(join(dir, 'objects.cfg'), objects(options.hosts, { url: options.gatewayUrl, tokenFile, spool }));
  writeFileSync(join(dir, 'resource.cfg'), '$USER1$=/usr/lib/nagios/plugins\n');
  const check = spawnSync(NAGIOS4, ['-v', cfg], { encoding: 'utf8', timeout: 30_000 });
  if (check.status !== 0) throw new Error(`nagios4 -v failed:\n${check.stdout}\n${check.stderr}`);
  const nagios: Started = await startProcess(NAGIOS4, [cfg], /Successfully launched command file worker/, {
    timeoutMs: 30_000,
  });
  return {
    dir,
    commandFile,
    spool,
    command: (text) => appendFile(commandFile, `[${Math.floor(Date.now() / 1000)}] ${text}\n`),
    status: (host, service) => statusBlock(readFileSync(join(dir, 'status.dat'), 'utf8'), host, service),
    stop: async () => {
      await nagios.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function statusBlock(text: string, host: string, service?: string): Record<string, string> | undefined {
  const kind = service === undefined ? 'hoststatus' : 'servicestatus';
  for (const match of text.matchAll(/(\w+) \{\n([\s\S]*?)\n\s*\}/g)) {
    if (match[1] !== kind) continue;
    const fields = Object.fromEntries(
      match[2]!.split('\n').map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at).trim(), line.slice(at + 1)];
      }),
    );
    if (fields.host_name === host && (service === undefined || fields.service_description === service)) return fields;
  }
  return undefined;
}

function mainConfig(dir: string, commandFile: string): string {
  return `${[
    `log_file=${join(dir, 'nagios.log')}`,
    `cfg_file=${join(dir, 'objects.cfg')}`,
    `resource_file=${join(dir, 'resource.cfg')}`,
    `object_cache_file=${join(dir, 'objects.cache')}`,
    `precached_object_file=${join(dir, 'objects.precache')}`,
    `status_file=${join(dir, 'status.dat')}`,
    'status_update_interval=1',
    `state_retention_file=${join(dir, 'retention.dat')}`,
    'retain_state_information=1',
    `lock_file=${join(dir, 'nagios.lock')}`,
    `temp_file=${join(dir, 'nagios.tmp')}`,
    `temp_path=${join(dir, 'tmp')}`,
    `check_result_path=${join(dir, 'checkresults')}`,
    `query_socket=${join(dir, 'rw', 'nagios.qh')}`,
    `command_file=${commandFile}`,
    'check_external_commands=1',
    'nagios_user=root',
    'nagios_group=root',
    'interval_length=1',
    'service_inter_check_delay_method=n',
    'host_inter_check_delay_method=n',
    'max_service_check_spread=1',
    'enable_notifications=1',
    'accept_passive_service_checks=1',
    'accept_passive_host_checks=1',
    'enable_flap_detection=0',
    'enable_environment_macros=0',
    'notification_timeout=30',
    'use_syslog=0',
  ].join('\n')}\n`;
}

function objects(
  hosts: Array<{ name: string; services: string[] }>,
  notify: { url: string; tokenFile: string; spool: string },
) {
  const script = `/usr/bin/python3 ${TOCSIN_NOTIFY} --url ${notify.url} --token-file ${notify.tokenFile} --spool ${notify.spool} --attempts 2 --timeout 2`;
  const common =
    '--type "$NOTIFICATIONTYPE$" --host "$HOSTNAME$" --author "$NOTIFICATIONAUTHOR$" --comment "$NOTIFICATIONCOMMENT$"';
  const define = (type: string, fields: Record<string, string | number>) =>
    `define ${type} {\n${Object.entries(fields)
      .map(([key, value]) => `  ${key} ${value}`)
      .join('\n')}\n}\n`;
  const passive = {
    check_command: 'check-passive',
    active_checks_enabled: 0,
    passive_checks_enabled: 1,
    max_check_attempts: 1,
    check_interval: 3600,
    retry_interval: 3600,
    check_period: '24x7',
    notification_period: '24x7',
    notification_interval: 0,
    notifications_enabled: 1,
    contacts: 'tocsin',
  };
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  return [
    define('timeperiod', {
      timeperiod_name: '24x7',
      alias: '24x7',
      ...Object.fromEntries(days.map((d) => [d, '00:00-24:00'])),
    }),
    define('command', { command_name: 'check-passive', command_line: '/bin/true' }),
    define('command', {
      command_name: 'tocsin-notify-service',
      command_line: `${script} ${common} --service "$SERVICEDESC$" --state "$SERVICESTATE$" --state-type "$SERVICESTATETYPE$" --output "$SERVICEOUTPUT$" --problem-id "$SERVICEPROBLEMID$" --last-problem-id "$LASTSERVICEPROBLEMID$"`,
    }),
    define('command', {
      command_name: 'tocsin-notify-host',
      command_line: `${script} ${common} --state "$HOSTSTATE$" --state-type "$HOSTSTATETYPE$" --output "$HOSTOUTPUT$" --problem-id "$HOSTPROBLEMID$" --last-problem-id "$LASTHOSTPROBLEMID$"`,
    }),
    define('command', { command_name: 'tocsin-flush', command_line: `${script} --flush --heartbeat nagios` }),
    define('contact', {
      contact_name: 'tocsin',
      alias: 'Tocsin',
      host_notifications_enabled: 1,
      service_notifications_enabled: 1,
      host_notification_period: '24x7',
      service_notification_period: '24x7',
      host_notification_options: 'd,u,r,f,s',
      service_notification_options: 'w,u,c,r,f,s',
      host_notification_commands: 'tocsin-notify-host',
      service_notification_commands: 'tocsin-notify-service',
    }),
    ...hosts.flatMap(({ name, services }) => [
      define('host', { host_name: name, alias: name, address: '127.0.0.1', ...passive, notification_options: 'd,u,r' }),
      ...services.map((service) =>
        define('service', {
          host_name: name,
          service_description: service,
          ...passive,
          notification_options: 'w,u,c,r',
        }),
      ),
    ]),
    // Delivers what the notification command spooled while the gateway was down.
    define('service', {
      host_name: hosts[0]!.name,
      service_description: 'tocsin-spool',
      check_command: 'tocsin-flush',
      active_checks_enabled: 1,
      max_check_attempts: 1,
      check_interval: 1,
      retry_interval: 1,
      check_period: '24x7',
      notification_period: '24x7',
      notifications_enabled: 0,
      contacts: 'tocsin',
    }),
  ].join('\n');
}
