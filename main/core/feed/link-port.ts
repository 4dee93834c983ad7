/**
 * The port between a feed's link (FeedClient: socket, protocol, heartbeats, reconnects) and
 * whatever takes the history it receives (the pipeline's ingest). Declared here, beside the
 * link, so the link depends on nothing above it: the ingest implements `FeedSink` and talks
 * back through `LinkControl`.
 */
import type { AlertEvent, AlertState } from '../../../common/protocol/alert.js';

/** How to go on after a welcome: replay what the gateway has beyond the cursor, or start again. */
export type WelcomeAnswer = { replaying: boolean } | { restart: string };

/** What the link hands every history frame to, after decoding and the welcome check. */
export interface FeedSink {
  /** The last gateway seq committed (0 if none). */
  cursor(): number;
  /** A connection opened: the previous one's uncommitted state is gone; returns the seq to resume after. */
  open(): number;
  /** The gateway's welcome: where its journal stands and which journal it is. */
  welcome(alerts: { last: number; journalId?: string | undefined }): WelcomeAnswer;
  /** One event, as numbered by the gateway. */
  event(seq: number, event: AlertEvent): void;
  /** One frame of a snapshot (a large one spans several with the same seq). */
  snapshot(seq: number, alerts: readonly AlertState[]): void;
  /** The gateway cannot replay `from`..`to`: the snapshot received before stands for them. */
  gap(gap: { from: number; to: number }): void;
  /** The replay is over: what follows is live. */
  live(): void;
  /** The link closed or stops: forget what is not committed (never acked, so the gateway replays it). */
  discard(): void;
  /** True while the history cannot be written: events are held, none acknowledged. */
  readonly blocked: boolean;
  /** True between a welcome that promises a replay and the gateway's "live". */
  readonly replaying: boolean;
}

/** What the sink may ask of its link. */
export interface LinkControl {
  /** Everything up to `seq` (the gateway's numbering) is committed: acknowledge it. */
  committed(seq: number): void;
  /** An event refused by the order check: counted in the status (not logged one by one). */
  refused(reason: 'duplicate_seq' | 'out_of_sequence'): void;
  /** Drop the link, to resume from the committed cursor; `lastError` is shown meanwhile. */
  drop(lastError?: string): void;
  /** The history cannot be written (`message` says why), or can again (null). */
  blocked(message: string | null): void;
}
