/**
 * What deploy/nagios/tocsin-notify posts: one Nagios notification, with the key it is
 * journaled under (a repeat is stored once), and the journal entries it becomes.
 */
import { z } from 'zod';
import type { AlertState } from '../../../common/protocol/alert.js';
import type { Mapper } from '../alertmanager/mapping.js';
import type { SinkEntry } from '../sink.js';

/** Source name journaled with Nagios alerts; the acknowledgement handler answers for it. */
export const NAGIOS_SOURCE = 'nagios';

const text = (max: number) => z.string().max(max);
export const NagiosNotificationSchema = z.object({
  key: z.string().min(1).max(512),
  /** $NOTIFICATIONTYPE$: PROBLEM, RECOVERY, ACKNOWLEDGEMENT, FLAPPINGSTART, DOWNTIMESTART, … */
  type: z.string().min(1).max(64),
  host: text(512).min(1),
  service: text(512).optional(),
  /** $SERVICESTATE$ or $HOSTSTATE$. */
  state: z.enum(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN', 'UP', 'DOWN', 'UNREACHABLE']),
  stateType: z.enum(['HARD', 'SOFT']).optional(),
  output: text(16_384).default(''),
  longOutput: text(16_384).optional(),
  author: text(512).optional(),
  comment: text(16_384).optional(),
  address: text(512).optional(),
  displayName: text(512).optional(),
  timestamp: z.number().int().nonnegative().optional(),
});
export type NagiosNotification = z.infer<typeof NagiosNotificationSchema>;

/** `nagios:<host>` or `nagios:<host>!<service>`. */
export const nagiosAlertId = (host: string, service?: string) => `nagios:${service ? `${host}!${service}` : host}`;

/** The host and service a Nagios alert id names, or null. */
export function parseNagiosAlertId(alertId: string): { host: string; service?: string } | null {
  if (!alertId.startsWith('nagios:')) return null;
  const name = alertId.slice('nagios:'.length);
  const bang = name.indexOf('!');
  return bang === -1 ? { host: name } : { host: name.slice(0, bang), service: name.slice(bang + 1) };
}

/**
 * The entries of one notification. PROBLEM fires; RECOVERY resolves a firing alert;
 * ACKNOWLEDGEMENT acknowledges a firing, unacknowledged one (unless `ownAck`: Tocsin made
 * it); anything else (flapping, downtime, custom) is a comment on a firing alert.
 */
export function notificationEntries(
  n: NagiosNotification,
  current: AlertState | undefined,
  options: { mapper: Mapper; now: number; ownAck: boolean },
): SinkEntry[] {
  const alertId = nagiosAlertId(n.host, n.service);
  const base = { alertId, source: NAGIOS_SOURCE, at: options.now };
  const dedupKey = `nagios|${n.key}`;
  const firing = current?.status === 'firing';
  if (n.type === 'PROBLEM') {
    const state = n.state.toLowerCase();
    const labels: Record<string, string> = {
      alertname: n.service ?? 'HostDown',
      state,
      nagios_host: n.host,
      ...(n.service ? { nagios_service: n.service } : {}),
      ...(n.stateType ? { state_type: n.stateType.toLowerCase() } : {}),
    };
    const what = n.displayName ?? n.service;
    const alert = {
      title: (what ? `${what} on ${n.host} is ${n.state}` : `${n.host} is ${n.state}`).slice(0, 512),
      body: [n.output, n.longOutput].filter(Boolean).join('\n').slice(0, 16_384),
      severity: options.mapper.severity(labels),
      category: options.mapper.category(labels),
      host: n.host,
      ...(n.service ? { service: n.service } : {}),
      labels,
      startsAt: n.timestamp ? n.timestamp * 1000 : options.now,
    };
    return [{ event: { kind: 'fired', ...base, alert }, dedupKey }];
  }
  if (!firing) return [];
  if (n.type === 'RECOVERY') return [{ event: { kind: 'resolved', ...base, endsAt: options.now }, dedupKey }];
  const by = n.author || 'Nagios';
  if (n.type === 'ACKNOWLEDGEMENT')
    return current.acknowledged || options.ownAck
      ? []
      : [{ event: { kind: 'acknowledged', ...base, by, ...(n.comment ? { comment: n.comment } : {}) }, dedupKey }];
  return [
    { event: { kind: 'commented', ...base, by, comment: `${n.type}${n.comment ? `: ${n.comment}` : ''}` }, dedupKey },
  ];
}
