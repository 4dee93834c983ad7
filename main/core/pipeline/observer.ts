/**
 * The seam after the store: whoever reacts to alerts (the notification policy, the tray model,
 * the UI batcher) observes *committed* changes only, so nothing is notified that was not stored.
 */
import type { AlertEvent } from '../../../common/protocol/alert.js';
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';

/** One event after its commit, with the alert's state as it stands after the event. */
export type CommittedChange = {
  feedId: string;
  /** The seq as stored: the gateway's, plus the feed's base once its journal changed (AlertStore.restartSeqs). */
  seq: number;
  event: AlertEvent;
  row: AlertRow;
  /** True while the feed is replaying events the console missed (a resume, not live news). */
  replayed: boolean;
};

export interface CommittedObserver {
  /** Called once per committed batch, in seq order. */
  onCommitted(changes: readonly CommittedChange[]): void;
  /** Called whenever a feed's link status changes. */
  onFeedStatus(status: FeedStatus): void;
}
