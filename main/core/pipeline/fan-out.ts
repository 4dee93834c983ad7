/**
 * The one fan-out after the commit: every observer hears every committed batch, every stored
 * snapshot and every status change, in the order they were added.
 */
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import type { CommittedChange, CommittedObserver } from './observer.js';

/** Observers, in order; itself an observer, so a feed's ingest holds just one. */
export class ObserverFanOut implements CommittedObserver {
  private readonly observers: CommittedObserver[] = [];

  constructor(observers: readonly CommittedObserver[] = []) {
    this.observers.push(...observers);
  }

  /** Add an observer: it hears everything from now on. */
  add(observer: CommittedObserver): void {
    this.observers.push(observer);
  }

  onCommitted(changes: readonly CommittedChange[]): void {
    for (const observer of this.observers) observer.onCommitted(changes);
  }

  onSnapshot(feedId: string, rows: readonly AlertRow[]): void {
    for (const observer of this.observers) observer.onSnapshot(feedId, rows);
  }

  onFeedStatus(status: FeedStatus): void {
    for (const observer of this.observers) observer.onFeedStatus(status);
  }
}
