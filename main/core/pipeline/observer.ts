/**
 * The seam after the store: whoever reacts to alerts (the notification policy, the tray model,
 * the UI batcher, the write notes) observes *committed* state only, so nothing is shown or
 * notified that was not stored.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import type { CommittedChange } from '../store/committed-change.js';

export type { CommittedChange } from '../store/committed-change.js';

/** One observer of what the pipeline stored, and of the feeds' link statuses. */
export interface CommittedObserver {
  /** Called once per committed batch that changed something, in seq order. */
  onCommitted(changes: readonly CommittedChange[]): void;
  /**
   * Called after a snapshot was stored (a gap the gateway could not replay): the state of each
   * alert it wrote, ended ones included. A snapshot is state, not news: no event came with it.
   */
  onSnapshot(feedId: string, rows: readonly AlertRow[]): void;
  /** Called whenever a feed's link status changes. */
  onFeedStatus(status: FeedStatus): void;
}
