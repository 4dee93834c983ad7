/**
 * From Icinga 2's host and service states (objects and events) to Tocsin's journal entries.
 * Pure: given what Icinga says and what the journal holds, the entries that bring the journal
 * in line, so events and the reconcile after a (re)connect share one path and a repeat adds
 * nothing.
 */
import type { AlertBody, AlertState } from '../../../common/protocol/alert.js';
import type { Mapper } from '../alertmanager/mapping.js';
import type { SinkEntry } from '../sink.js';

/** Source name journaled with Icinga alerts; the acknowledgement handler answers for it. */
export const ICINGA_SOURCE = 'icinga';

/** What Icinga says of one host or service. */
export type IcingaCheckState = {
  host: string;
  service?: string;
  /** Hosts: 0 up, 1 down. Services: 0 ok, 1 warning, 2 critical, 3 unknown. */
  state: number;
  /** 0 soft (Icinga is still retrying), 1 hard. */
  stateType: number;
  output: string;
  displayName?: string;
  /** When the state began (ms), if known. */
  since?: number;
};

/** `icinga:<host>` or `icinga:<host>!<service>` (Icinga's own object name, which has no `!` in a host name). */
export const icingaAlertId = (host: string, service?: string) =>
  `icinga:${service === undefined ? host : `${host}!${service}`}`;

/** The host and service an Icinga alert id names, or null for another source's id. */
export function parseIcingaAlertId(alertId: string): { host: string; service?: string } | null {
  if (!alertId.startsWith('icinga:')) return null;
  const name = alertId.slice('icinga:'.length);
  const bang = name.indexOf('!');
  return bang === -1 ? { host: name } : { host: name.slice(0, bang), service: name.slice(bang + 1) };
}

const SERVICE_STATES = ['ok', 'warning', 'critical', 'unknown'];
const HOST_STATES = ['up', 'down'];
/** Icinga's name of a state: the value the severity mapping looks up. */
export function stateName(check: Pick<IcingaCheckState, 'service' | 'state'>): string {
  return (check.service === undefined ? HOST_STATES : SERVICE_STATES)[check.state] ?? 'unknown';
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The Tocsin alert body of a host or service problem. */
export function icingaBody(check: IcingaCheckState, mapper: Mapper, now: number): AlertBody {
  const state = stateName(check);
  const what = check.displayName ?? check.service ?? check.host;
  const labels: Record<string, string> = {
    alertname: check.service === undefined ? 'HostDown' : clip(check.service, 1024),
    state,
    state_type: check.stateType === 1 ? 'hard' : 'soft',
    icinga_host: clip(check.host, 1024),
    ...(check.service === undefined ? {} : { icinga_service: clip(check.service, 1024) }),
  };
  const body: AlertBody = {
    title: clip(
      check.service === undefined
        ? `${check.host} is ${state.toUpperCase()}`
        : `${what} on ${check.host} is ${state.toUpperCase()}`,
      512,
    ),
    body: clip(check.output, 16_384),
    severity: mapper.severity(labels),
    category: mapper.category(labels),
    host: clip(check.host, 512),
    labels,
    startsAt: check.since !== undefined && check.since > 0 ? Math.trunc(check.since) : now,
  };
  if (check.service !== undefined) body.service = clip(check.service, 512);
  return body;
}

/**
 * The entries that make the journal agree with `check`: `fired` for a new problem (or one
 * whose severity changed), `resolved` for a recovery, nothing for a repeat. A soft problem
 * raises nothing while `hardStatesOnly` (Icinga is retrying); a soft OK still resolves.
 */
export function checkEntries(
  check: IcingaCheckState,
  current: AlertState | undefined,
  options: { mapper: Mapper; now: number; hardStatesOnly: boolean },
): SinkEntry[] {
  const alertId = icingaAlertId(check.host, check.service);
  const base = { alertId, source: ICINGA_SOURCE, at: options.now };
  const firing = current?.status === 'firing';
  if (check.state === 0) return firing ? [{ event: { kind: 'resolved', ...base, endsAt: options.now } }] : [];
  if (check.stateType !== 1 && options.hardStatesOnly) return [];
  const body = icingaBody(check, options.mapper, options.now);
  if (firing && current.severity === body.severity) return [];
  return [{ event: { kind: 'fired', ...base, alert: body } }];
}

/** Whether Tocsin has the alert firing and acknowledged. */
export type TocsinView = { firing: boolean; acked: boolean };

/** Tocsin's view of an alert once `entries` (from checkEntries) are journaled. */
export function viewAfter(current: AlertState | undefined, entries: readonly SinkEntry[]): TocsinView {
  const firing = current?.status === 'firing';
  const acked = firing && current.acknowledged !== null;
  const last = entries.at(-1)?.event.kind;
  if (last === 'resolved') return { firing: false, acked: false };
  if (last === 'fired') return { firing: true, acked: firing && acked };
  return { firing, acked };
}

/** The entry that makes Tocsin's acknowledgement agree with Icinga's, if they differ. */
export function ackEntries(
  alertId: string,
  acknowledged: boolean,
  view: TocsinView,
  now: number,
  who: { by: string; comment?: string },
): SinkEntry[] {
  if (!view.firing || acknowledged === view.acked) return [];
  const base = { alertId, source: ICINGA_SOURCE, at: now, by: clip(who.by || 'Icinga', 512) };
  const comment = who.comment ? { comment: clip(who.comment, 16_384) } : {};
  return [
    {
      event: acknowledged
        ? { kind: 'acknowledged', ...base, ...comment }
        : { kind: 'unacknowledged', ...base, ...comment },
    },
  ];
}
