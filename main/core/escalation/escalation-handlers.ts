/**
 * The api operations about escalation: each asks the gateway of the feed named (or of every
 * feed, for "Reach me when I'm away") through GatewayEscalation, and turns its failures into
 * the api's errors. A gateway without escalation is not an error: the answer says so (null).
 */
import type { ApiHandlers } from '../../../common/api/contract.js';
import type { ReachMe } from '../../../common/api/escalation.js';
import type { Result } from '../../../common/result.js';
import { ApiError } from '../api/dispatch.js';
import type { FeedProfile } from '../feed/feed-client.js';
import { GatewayEscalation } from './gateway-escalation.js';

type EscalationOperations = 'escalationLadder' | 'reachMe' | 'pushSubscribe' | 'pushUnsubscribe' | 'pushTest';

/** One GatewayEscalation per feed, by feed id. */
export function gatewaysOf(feeds: readonly FeedProfile[]): Map<string, GatewayEscalation> {
  return new Map(feeds.map((feed) => [feed.id, new GatewayEscalation(feed)]));
}

/** The handlers, over the feeds' gateways. */
export function escalationHandlers(
  feeds: readonly FeedProfile[],
  gateways: ReadonlyMap<string, GatewayEscalation>,
): Pick<ApiHandlers, EscalationOperations> {
  const gateway = (feedId: string) => {
    const found = gateways.get(feedId);
    if (!found) throw new ApiError('not_found', `no feed ${feedId}`);
    return found;
  };
  const value = <T>(result: Result<T>): T => {
    if (!result.ok) throw new ApiError('unavailable', result.message);
    return result.value;
  };
  const configured = <T>(result: Result<T | null>): T => {
    const answer = value(result);
    if (answer === null) throw new ApiError('unavailable', 'this gateway has no escalation configured');
    return answer;
  };
  return {
    escalationLadder: async ({ feedId, alertId }) => {
      const ladder = await gateway(feedId).ladder(alertId);
      // A plain token is no person: the gateway refuses it (401), which is "nothing to show", not an outage.
      return !ladder.ok && ladder.code === 'http_401' ? null : value(ladder);
    },
    reachMe: async () =>
      Promise.all(
        feeds.map(async (feed): Promise<ReachMe> => {
          const me = await gateway(feed.id).me();
          const base = { feedId: feed.id, feedName: feed.name };
          if (me.ok) return { ...base, me: me.value };
          if (me.code === 'http_401') return { ...base, me: null, error: 'this feed’s token belongs to no person' };
          return { ...base, me: null, error: me.message };
        }),
      ),
    pushSubscribe: async ({ feedId, subscription, device }) => {
      configured(await gateway(feedId).subscribe(subscription, device));
      return {};
    },
    pushUnsubscribe: async ({ feedId, endpoint }) => {
      configured(await gateway(feedId).unsubscribe(endpoint));
      return {};
    },
    pushTest: async ({ feedId }) => configured(await gateway(feedId).testPush()),
  };
}
