/** A feed's status for tests: a live-looking feed "prod", with whatever the test overrides. */
import type { FeedStatus } from '../../common/api/contract.js';

export function feedStatus(state: FeedStatus['state'], overrides: Partial<FeedStatus> = {}): FeedStatus {
  const feedId = overrides.feedId ?? 'prod';
  return {
    feedId,
    name: feedId,
    url: 'ws://x',
    embedded: false,
    state,
    since: 0,
    nextRetryAt: null,
    lastSeq: 0,
    lastError: null,
    rejected: {},
    ...overrides,
  };
}
