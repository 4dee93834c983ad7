/**
 * The Electron IPC channels of the `api` contract, by name only: the one place a channel name
 * is made. Kept apart from contract.ts so that the sandboxed preload, which needs only names,
 * does not bundle zod and every schema (about 750 KB). Checked against the contract both ways:
 * a missing or unknown operation is a compile error, and channels.test.ts compares the list
 * with the contract's operations.
 */
import type { OperationName } from './contract.js';

/** Every operation, as the preload exposes them. */
export const CHANNEL_OPERATIONS = [
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
  'escalationLadder',
  'reachMe',
  'pushSubscribe',
  'pushUnsubscribe',
  'pushTest',
] as const satisfies readonly OperationName[];

type Missing = Exclude<OperationName, (typeof CHANNEL_OPERATIONS)[number]>;
/** Compile-time completeness: fails to type-check, naming the operation, if one is missing. */
export const CHANNEL_OPERATIONS_COMPLETE: [Missing] extends [never] ? true : { missing: Missing } = true;

/** Name of the Electron IPC channel that carries an operation. */
export function channelFor(name: OperationName): string {
  return `tocsin:${name}`;
}

/** Channel on which the core's batched `UiUpdate`s reach the renderer. */
export const UPDATE_CHANNEL = 'tocsin:update';
