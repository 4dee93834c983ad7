/**
 * What a commit produces (AlertStore.commit): declared beside its producer, so the store never
 * reaches up into the pipeline that observes it.
 */
import type { AlertEvent } from '../../../common/protocol/alert.js';
import type { AlertRow } from '../../../common/api/contract.js';

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
