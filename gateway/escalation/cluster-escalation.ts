/**
 * What escalation shares across a cluster, made ready before it starts: the link secret and the
 * VAPID key pair (the first gateway's, kept for all: links and push subscriptions must work
 * whichever gateway signed them), used link nonces and push subscriptions in maps every gateway
 * shares, presence from every gateway, channel health from the leader's sends, and the step
 * ledger through which only the leader sends, once. A lone gateway (SQLite) shares nothing.
 */
import { randomBytes } from 'node:crypto';
import webpush from 'web-push';
import type { Clock } from '../../common/clock.js';
import type { Result } from '../../common/result.js';
import type { ClusterRole, SharedMap } from '../cluster/cluster-role.js';
import { SharedPresence } from '../cluster/shared-presence.js';
import type { PresenceRegistry } from '../identity/presence.js';
import type { LinkNonces } from './ack-routes.js';
import { ClusterStepGate } from './cluster-steps.js';
import type { StepGate } from './step-gate.js';
import type { ChannelName } from './ladder.js';
import type { PushSubscriptionRow, PushSubscriptions, VapidKeys } from './push/push-store.js';
import { StepLedger, type LedgerRecord } from './step-ledger.js';
import type { EscalationStore, StepRow } from './store.js';

const DAY_MS = 24 * 3600_000;

/** Escalation's shared parts in a cluster. */
export type SharedEscalation = {
  linkSecret: string;
  vapid: VapidKeys;
  nonces: LinkNonces;
  push: PushSubscriptions;
  presence: SharedPresence;
  /** The escalator's gate, on this gateway's store. */
  gate(store: EscalationStore): StepGate;
  /** Each row of a ladder as the cluster recorded it. */
  overlay(store: EscalationStore): (rows: StepRow[]) => Promise<StepRow[]>;
  /** Where the leader's send outcomes go: every gateway's channel health hears them. */
  recordHealth(channel: ChannelName, result: Result<unknown>, at: number): void;
  onHealth(listener: (channel: ChannelName, result: Result<unknown>, at: number) => void): void;
  close(): void;
};

/** Open the shared parts, or null for a lone gateway. */
export async function shareEscalation(
  role: ClusterRole,
  deps: {
    self: string;
    clock: Clock;
    local: PresenceRegistry;
    linkSecret?: string;
    linkTtlMs: number;
    /** The journal's replay window: a step's record must outlive the `fired` event it was planned from. */
    windowMs: number;
  },
): Promise<SharedEscalation | null> {
  const keys = role.sharedMap<unknown>('escalation-keys');
  if (!keys) return null;
  const shared = await keys;
  const linkSecret = deps.linkSecret ?? (await firstWins(shared, 'link-secret', randomBytes(32).toString('base64url')));
  const vapid = (await firstWins(shared, 'vapid', webpush.generateVAPIDKeys())) as VapidKeys;
  const nonces = await role.sharedMap<{ expiresAt: number }>('link-nonces', { ttlMs: deps.linkTtlMs })!;
  const subscriptions = await role.sharedMap<PushSubscriptionRow>('push-subscriptions')!;
  const ledger = new StepLedger(
    await role.sharedMap<LedgerRecord>('escalation-steps', { ttlMs: deps.windowMs + DAY_MS })!,
    deps.self,
  );
  const presence = new SharedPresence(deps.local, role, { self: deps.self, clock: deps.clock });
  return {
    linkSecret: linkSecret as string,
    vapid,
    nonces: {
      useNonce: (nonce, _now, expiresAt) => nonces.putIf(nonce, { expiresAt }, null),
      releaseNonce: (nonce) => nonces.delete(nonce),
    },
    push: sharedSubscriptions(subscriptions),
    presence,
    gate: (store) => new ClusterStepGate(ledger, store, () => role.isLeader()),
    overlay: (store) => async (rows) =>
      Promise.all(
        rows.map(async (row) => {
          const record = await ledger.peek(StepLedger.key(row, store.firedEvent(row.ladder_id).at));
          if (!record) return row;
          return {
            ...row,
            state: record.state === 'retrying' ? 'pending' : record.state,
            attempts: record.attempts,
            due_at: record.dueAt ?? row.due_at,
            sent_at: record.state === 'sent' ? record.at : row.sent_at,
            last_error: record.error ?? row.last_error,
          };
        }),
      ),
    recordHealth: (channel, result, at) =>
      role.broadcast(
        'escalation',
        JSON.stringify({
          channel,
          at,
          ok: result.ok,
          ...(result.ok ? {} : { code: result.code, message: result.message }),
        }),
      ),
    onHealth: (listener) =>
      role.onSignal('escalation', (payload) => {
        const heard = JSON.parse(payload) as {
          channel: ChannelName;
          at: number;
          ok: boolean;
          code?: string;
          message?: string;
        };
        listener(
          heard.channel,
          heard.ok
            ? { ok: true, value: null }
            : { ok: false, code: heard.code ?? 'failed', message: heard.message ?? '' },
          heard.at,
        );
      }),
    close: () => presence.close(),
  };
}

/** The value stored under `key`, storing `candidate` first when there is none (the first gateway's wins). */
async function firstWins<T>(map: SharedMap<unknown>, key: string, candidate: T): Promise<T> {
  await map.putIf(key, candidate, null);
  const stored = await map.get(key);
  if (stored === undefined) throw new Error(`the cluster's ${key} could not be read back`);
  return stored as T;
}

/** Push subscriptions in a shared map, by endpoint. */
function sharedSubscriptions(map: SharedMap<PushSubscriptionRow>): PushSubscriptions {
  return {
    save: (subscription) => map.put(subscription.endpoint, { ...subscription, waitUntil: 0 }),
    forPerson: async (person) =>
      (await map.entries())
        .map(([, row]) => row)
        .filter((row) => row.person === person)
        .sort((a, b) => a.createdAt - b.createdAt || a.endpoint.localeCompare(b.endpoint)),
    remove: async (endpoint, person) => {
      const row = await map.get(endpoint);
      if (!row || (person !== undefined && row.person !== person)) return false;
      await map.delete(endpoint);
      return true;
    },
    waitUntil: async (endpoint, at) => {
      const row = await map.get(endpoint);
      if (row) await map.put(endpoint, { ...row, waitUntil: at });
    },
  };
}
