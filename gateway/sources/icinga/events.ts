/**
 * Icinga 2's event stream and object answers, read by shape (zod): an event that is not what
 * Icinga documents is dropped with its reason, counted, and never stops the stream.
 *
 * Event types (Icinga 2 API, "Event Streams"): CheckResult and StateChange carry
 * `check_result` (`vars_after.state`/`state_type` is the state after the check; StateChange
 * also has top-level `state`/`state_type`); AcknowledgementSet has `author` and `comment`;
 * DowntimeStarted/DowntimeRemoved carry a `downtime` object (`host_name`, `service_name`,
 * `author`, `end_time` in seconds).
 */
import { z } from 'zod';
import { fail, ok, type Result } from '../../../common/result.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import type { IcingaCheckState } from './state.js';

const name = z.string().min(1).max(1024);
const service = z
  .string()
  .max(1024)
  .optional()
  .transform((text) => (text ? text : undefined));
const CheckResult = z.object({
  state: z.number(),
  output: z.string().default(''),
  vars_after: z.object({ state: z.number(), state_type: z.number() }).optional(),
});
const EventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('CheckResult'), host: name, service, check_result: CheckResult, timestamp: z.number() }),
  z.object({
    type: z.literal('StateChange'),
    host: name,
    service,
    state: z.number(),
    state_type: z.number(),
    check_result: CheckResult,
    timestamp: z.number(),
  }),
  z.object({
    type: z.literal('AcknowledgementSet'),
    host: name,
    service,
    author: z.string().default(''),
    comment: z.string().default(''),
  }),
  z.object({ type: z.literal('AcknowledgementCleared'), host: name, service }),
  z.object({
    type: z.enum(['DowntimeStarted', 'DowntimeRemoved']),
    downtime: z.object({
      host_name: name,
      service_name: service,
      author: z.string().default(''),
      end_time: z.number().default(0),
    }),
  }),
]);

/** An event, as the source acts on it. */
export type IcingaEvent =
  | { kind: 'check'; check: IcingaCheckState }
  | { kind: 'ack'; host: string; service?: string; acknowledged: boolean; by: string; comment?: string }
  | { kind: 'downtime-start' | 'downtime-end'; host: string; service?: string; by: string; until: number };

const opt = (service: string | undefined) => (service === undefined ? {} : { service });

/**
 * The state after a check result. A host's check result carries the raw (service-like) state
 * even in `vars_after`: OK and WARNING are UP (0), CRITICAL and UNKNOWN are DOWN (1).
 */
function stateAfter(host: boolean, result: z.infer<typeof CheckResult>): number {
  const raw = result.vars_after?.state ?? result.state;
  return host ? (raw <= 1 ? 0 : 1) : raw;
}

/** Parse one event line's JSON. */
export function parseEvent(json: unknown): Result<IcingaEvent> {
  const parsed = EventSchema.safeParse(json);
  if (!parsed.success) return fail('bad_event', describeZodIssue(parsed.error, '(event)'));
  const e = parsed.data;
  switch (e.type) {
    case 'CheckResult':
    case 'StateChange': {
      const isHost = e.service === undefined;
      const state = e.type === 'StateChange' ? e.state : stateAfter(isHost, e.check_result);
      const stateType = e.type === 'StateChange' ? e.state_type : (e.check_result.vars_after?.state_type ?? 1);
      return ok({
        kind: 'check',
        check: {
          host: e.host,
          ...opt(e.service),
          state,
          stateType,
          output: e.check_result.output,
          since: e.timestamp * 1000,
        },
      });
    }
    case 'AcknowledgementSet':
      return ok({
        kind: 'ack',
        host: e.host,
        ...opt(e.service),
        acknowledged: true,
        by: e.author,
        ...(e.comment ? { comment: e.comment } : {}),
      });
    case 'AcknowledgementCleared':
      return ok({ kind: 'ack', host: e.host, ...opt(e.service), acknowledged: false, by: 'Icinga' });
    default:
      return ok({
        kind: e.type === 'DowntimeStarted' ? 'downtime-start' : 'downtime-end',
        host: e.downtime.host_name,
        ...opt(e.downtime.service_name),
        by: e.downtime.author,
        until: e.downtime.end_time * 1000,
      });
  }
}

const ObjectsSchema = z.object({
  results: z.array(
    z.object({
      attrs: z.object({
        name: name,
        host_name: name.optional(),
        display_name: z.string().optional(),
        state: z.number(),
        state_type: z.number(),
        last_check_result: z
          .object({ output: z.string().default('') })
          .nullable()
          .optional(),
        last_state_change: z.number().optional(),
        acknowledgement: z.number().default(0),
      }),
    }),
  ),
});

/** Hosts or services of an objects answer; those never checked yet (pending) are left out. */
export function parseObjects(
  json: unknown,
  type: 'host' | 'service',
): Array<{ check: IcingaCheckState; acknowledged: boolean }> {
  const parsed = ObjectsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Icinga's ${type}s answer: ${describeZodIssue(parsed.error, '(body)')}`);
  return parsed.data.results.flatMap(({ attrs }) => {
    if (!attrs.last_check_result) return [];
    const host = type === 'host' ? attrs.name : attrs.host_name;
    if (host === undefined) return [];
    const check: IcingaCheckState = {
      host,
      ...(type === 'service' ? { service: attrs.name } : {}),
      state: attrs.state,
      stateType: attrs.state_type,
      output: attrs.last_check_result.output,
      ...(attrs.display_name && attrs.display_name !== attrs.name ? { displayName: attrs.display_name } : {}),
      ...(attrs.last_state_change ? { since: attrs.last_state_change * 1000 } : {}),
    };
    return [{ check, acknowledged: attrs.acknowledgement > 0 }];
  });
}
