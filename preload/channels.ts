/**
 * The IPC channel names without the schemas, for the sandboxed preload: importing contract.ts's
 * values would bundle zod and every schema (~750 KB) into a script that only needs names.
 * Checked against the contract both ways: a missing or unknown operation is a compile error,
 * and preload/channels.test.ts asserts the channel strings equal `channelFor` and `UPDATE_CHANNEL`.
 * (Suggested to the lead: contract.ts could import its channel naming from here.)
 */
import type { OperationName } from './contract.js';

/** Every operation, as the preload exposes them. */
export const PRELOAD_OPERATIONS = [
  'activeAlerts',
  'acknowledge',
  'unacknowledge',
  'snooze',
  'comment',
  'timeline',
  'searchHistory',
  'feedStatus',
  'notificationHealth',
  'minuteCounts',
  'exportHistory',
  'getSettings',
  'updateSettings',
  'metricSeries',
  'metricRange',
] as const satisfies readonly OperationName[];

type Missing = Exclude<OperationName, (typeof PRELOAD_OPERATIONS)[number]>;
/** Compile-time completeness: fails to type-check, naming the operation, if one is missing. */
export const PRELOAD_OPERATIONS_COMPLETE: [Missing] extends [never] ? true : { missing: Missing } = true;

/** The channel of an operation (same as contract.ts `channelFor`). */
export function preloadChannelFor(name: OperationName): string {
  return `tocsin:${name}`;
}
/** The update channel (same as contract.ts `UPDATE_CHANNEL`). */
export const PRELOAD_UPDATE_CHANNEL = 'tocsin:update';
