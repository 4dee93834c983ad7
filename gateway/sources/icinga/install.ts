/** Wires the Icinga 2 source into a gateway: its CA, its API client, its heartbeat, its ack handler. */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { DeadMansSwitch } from '../heartbeat/dead-mans-switch.js';
import type { SourceHooks } from '../hooks.js';
import { IcingaApi } from './api.js';
import type { IcingaConfig } from './config.js';
import { IcingaSource } from './source.js';
import { ICINGA_SOURCE } from './state.js';

/** Start the Icinga source (it connects in the background) and register its action handler. */
export async function installIcinga(
  gateway: SourceHooks,
  config: IcingaConfig,
  deps: { clock: Clock; log: (message: string) => void; heartbeats: DeadMansSwitch },
): Promise<IcingaSource> {
  const ca =
    config.caFile === undefined
      ? undefined
      : await readFile(config.caFile).catch((error: unknown) => {
          throw new Error(`icinga.caFile: cannot read ${config.caFile}: ${errorMessage(error)}`);
        });
  const api = new IcingaApi({
    url: config.url,
    username: config.username,
    password: config.password,
    timeoutMs: config.requestTimeoutMs,
    ...(ca ? { ca } : {}),
    ...(config.serverName ? { serverName: config.serverName } : {}),
  });
  if (config.heartbeat)
    deps.heartbeats.declare(
      ICINGA_SOURCE,
      config.heartbeat.intervalMs,
      `Icinga 2 (${config.heartbeat.check ?? 'check results'})`,
    );
  const source = new IcingaSource(config, api, {
    clock: deps.clock,
    log: deps.log,
    ...(config.heartbeat ? { heartbeat: () => deps.heartbeats.beat(ICINGA_SOURCE) } : {}),
  });
  gateway.addActionHandler(source);
  await gateway.addSource(source);
  return source;
}
