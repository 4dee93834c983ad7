/**
 * Installs the sources of the monitors people already run (JSON webhooks, Grafana, Icinga 2,
 * Nagios, Zabbix) and the dead-man's switch, from the gateway's configuration. The gateway's
 * composition root calls this once; each source's own install function does its wiring.
 */
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig } from '../config.js';
import type { SourceHooks } from './hooks.js';
import { installWebhooks, type InstalledWebhooks } from './webhook/receiver.js';

/** What was installed, for tests, logs and statistics. */
export type InstalledSources = { webhooks?: InstalledWebhooks };

export type InstallDeps = { clock: Clock; log: (message: string) => void };

/** Install every configured source of this family. */
export async function installSources(
  gateway: SourceHooks,
  config: GatewayConfig,
  deps: InstallDeps,
): Promise<InstalledSources> {
  const installed: InstalledSources = {};
  const now = () => deps.clock.now();
  if (config.webhooks)
    installed.webhooks = installWebhooks(gateway, config.webhooks, { tokens: config.tokens, now, log: deps.log });
  return installed;
}
