/**
 * Installs the alert sources (Alertmanager, JSON webhooks, Grafana, Icinga 2, Nagios, Zabbix)
 * and the dead-man's switch their heartbeats are declared on, from the gateway's
 * configuration. The gateway's composition root calls this once; each source's own install
 * function does its wiring.
 */
import type { Clock } from '../../common/clock.js';
import type { ClusterRole } from '../cluster/cluster-role.js';
import type { GatewayConfig } from '../config.js';
import { installAlertmanager, type AlertmanagerReceiver } from './alertmanager/receiver.js';
import type { DeadMansSwitch } from './heartbeat/dead-mans-switch.js';
import { installDeadMansSwitch } from './heartbeat/install.js';
import { installGrafana, type GrafanaStats } from './grafana/receiver.js';
import type { SourceHooks } from './hooks.js';
import { installIcinga } from './icinga/install.js';
import type { IcingaSource } from './icinga/source.js';
import { installNagios, type NagiosSource } from './nagios/receiver.js';
import { installZabbix, type ZabbixSource } from './zabbix/receiver.js';
import { installWebhooks, type InstalledWebhooks } from './webhook/receiver.js';

/** What was installed, for tests, logs and statistics. */
export type InstalledSources = {
  heartbeats?: DeadMansSwitch;
  alertmanager?: AlertmanagerReceiver;
  webhooks?: InstalledWebhooks;
  grafana?: GrafanaStats;
  icinga?: IcingaSource;
  nagios?: NagiosSource;
  zabbix?: ZabbixSource;
};

export type InstallDeps = {
  clock: Clock;
  log: (message: string) => void;
  /** The SQLite file beside which sources keep their state (`:memory:` in tests). */
  journalPath: string;
  sqliteNativeBinding?: string;
  /** Leadership, signals and shared maps (a lone gateway's own when absent). */
  cluster?: ClusterRole;
};

/** Install every configured source. */
export async function installSources(
  gateway: SourceHooks,
  config: GatewayConfig,
  deps: InstallDeps,
): Promise<InstalledSources> {
  const { clock, log } = deps;
  const now = () => clock.now();
  const tokens = config.tokens;
  const cluster = deps.cluster;
  const heartbeats = await installDeadMansSwitch(gateway, config.heartbeats ?? {}, {
    tokens,
    clock,
    log,
    ...(cluster ? { cluster } : {}),
  });
  const installed: InstalledSources = { heartbeats };
  if (config.alertmanager) {
    installed.alertmanager = await installAlertmanager(gateway, config.alertmanager, {
      tokens,
      journalPath: deps.journalPath,
      ...(deps.sqliteNativeBinding === undefined ? {} : { sqliteNativeBinding: deps.sqliteNativeBinding }),
      now,
      log,
      heartbeats,
      ...(cluster ? { cluster } : {}),
    });
  }
  if (config.webhooks) installed.webhooks = installWebhooks(gateway, config.webhooks, { tokens, now, log });
  if (config.grafana) installed.grafana = installGrafana(gateway, config.grafana, { tokens, now, log, heartbeats });
  if (config.icinga) installed.icinga = await installIcinga(gateway, config.icinga, { clock, log, heartbeats });
  if (config.nagios) installed.nagios = installNagios(gateway, config.nagios, { tokens, clock, log });
  if (config.zabbix) installed.zabbix = installZabbix(gateway, config.zabbix, { tokens, clock, log });
  return installed;
}
