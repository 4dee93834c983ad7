/**
 * The one fan-out after the commit: every observer hears every committed batch, every stored
 * snapshot and every status change, in the order they were added. Observers are isolated from
 * each other and from the commit: what is committed is committed (and acknowledged), so an
 * observer that throws is logged and counted, and the others still hear the batch.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import type { CommittedChange, CommittedObserver } from './observer.js';

/** Observers, in order; itself an observer, so a feed's ingest holds just one. */
export class ObserverFanOut implements CommittedObserver {
  private readonly observers: CommittedObserver[] = [];
  /** Observer failures so far (each is also logged). */
  failures = 0;

  constructor(
    observers: readonly CommittedObserver[] = [],
    private readonly log: (message: string) => void = () => {},
  ) {
    this.observers.push(...observers);
  }

  /** Add an observer: it hears everything from now on. */
  add(observer: CommittedObserver): void {
    this.observers.push(observer);
  }

  onCommitted(changes: readonly CommittedChange[]): void {
    this.each('a committed batch', (observer) => observer.onCommitted(changes));
  }

  onSnapshot(feedId: string, rows: readonly AlertRow[]): void {
    this.each('a snapshot', (observer) => observer.onSnapshot(feedId, rows));
  }

  onFeedStatus(status: FeedStatus): void {
    this.each('a feed status', (observer) => observer.onFeedStatus(status));
  }

  private each(what: string, call: (observer: CommittedObserver) => void): void {
    for (const observer of this.observers) {
      try {
        call(observer);
      } catch (error) {
        this.failures++;
        this.log(`an observer (${observer.constructor.name}) failed on ${what}: ${errorMessage(error)}`);
      }
    }
  }
}
