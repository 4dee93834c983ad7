/**
 * `heartbeats` in the gateway configuration: each entry mounts `POST /v1/heartbeats/<name>`
 * (any body, bearer token) and declares a heartbeat with its interval; sources declare theirs
 * (Alertmanager's Watchdog, an Icinga check) on the same switch.
 */
import { z } from 'zod';
import type { Clock } from '../../../common/clock.js';
import type { ClusterRole } from '../../cluster/cluster-role.js';
import { httpError, sendHttpError } from '../../server/http-errors.js';
import { readLimited } from '../../server/json-body.js';
import { bearerToken, tokenMatches } from '../../server/upgrade.js';
import type { SourceHooks } from '../hooks.js';
import { DeadMansSwitch } from './dead-mans-switch.js';

/** A heartbeat's interval: silent after this long without one (at least 1 s). */
export const IntervalSchema = z
  .number()
  .int()
  .min(1_000)
  .max(7 * 24 * 3600_000);

export const HeartbeatsConfigSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a heartbeat name is 1 to 63 lower-case letters, digits or dashes'),
  z.strictObject({
    intervalMs: IntervalSchema,
    /** Bearer tokens the sender presents. Absent: the gateway's own `tokens`. */
    tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
    /** The name shown in "monitoring is silent: …"; absent: the heartbeat's name. */
    description: z.string().min(1).max(200).optional(),
  }),
);
export type HeartbeatsConfig = z.output<typeof HeartbeatsConfigSchema>;

/** The route of heartbeat `name`. */
export const heartbeatPath = (name: string) => `/v1/heartbeats/${name}`;

/** Create the switch, mount the configured heartbeat routes, and start it with the gateway. */
export async function installDeadMansSwitch(
  gateway: SourceHooks,
  config: HeartbeatsConfig,
  deps: { tokens: readonly string[]; clock: Clock; log: (message: string) => void; cluster?: ClusterRole },
): Promise<DeadMansSwitch> {
  const watch = new DeadMansSwitch(deps);
  for (const [name, section] of Object.entries(config)) {
    watch.declare(name, section.intervalMs, section.description);
    const tokens = section.tokens ?? deps.tokens;
    gateway.addRoute('POST', heartbeatPath(name), async (request, response) => {
      const token = bearerToken(request);
      if (token === null || !tokenMatches(token, tokens)) return sendHttpError(response, httpError('bad_token'));
      // The body is not read for meaning (Alertmanager's Watchdog delivery is welcome here), only drained.
      await readLimited(request, 1024 * 1024).catch(() => '');
      watch.beat(name);
      response.writeHead(204).end();
    });
  }
  await gateway.addSource({
    name: 'heartbeats',
    start: async (sink) => watch.start(sink),
    stop: async () => watch.stop(),
  });
  return watch;
}
