/**
 * The journal port: what the gateway, its feed sessions, console actions and sources need
 * from a journal, with two backends behind it (issue #18): SQLite (the default, and the
 * embedded gateway) and NATS JetStream (gateways run as a cluster).
 *
 * Reads are synchronous: a feed session pumps from memory or a local SQLite file, never from
 * the network. With JetStream that view is a local replica the gateway keeps by reading the
 * stream (gateway/journal/jetstream/replica.ts). Writes, action results and trims are async:
 * JetStream answers over the network.
 */
import type { AlertState } from '../../common/protocol/alert.js';
import type { SinkEntry } from '../sources/sink.js';

/** A journaled event with its seq, as the exact text of its `event` frame. */
export type JournaledFrame = { seq: number; frame: string };

/** The oldest replayable seq and the newest seq. */
export type JournalBounds = { first: number; last: number };

/** What a feed session reads: synchronous, from this gateway's own memory or disk. */
export interface JournalView {
  /** The journal's identity: a different one means seqs started again (docs/protocol.md). */
  readonly id: string;
  bounds(): JournalBounds;
  /** Up to `limit` event frames after `seq`, in order. */
  readAfter(seq: number, limit: number): JournaledFrame[];
  /** The current state of one alert (callers must not modify it). */
  alertState(alertId: string): AlertState | undefined;
  /** Every firing alert, for a snapshot. */
  firingAlerts(): AlertState[];
}

/** Whether this gateway's journal can take writes and its view is current (`/readyz`). */
export type JournalHealth = { reachable: boolean; caughtUp: boolean; detail: string };

/** The journal port. Every backend journals an entry durably before it resolves. */
export interface JournalPort extends JournalView {
  /** `sqlite` or `jetstream`: which backend, for logs and `/readyz`. */
  readonly kind: string;
  /**
   * Journal the entries and resolve once they are durable (and in this gateway's view). Each
   * result is the seq assigned, or null when the entry's dedupKey was journaled before.
   * Rejects when the write fails: nothing of a rejected call may be taken as accepted.
   */
  append(entries: readonly SinkEntry[]): Promise<Array<number | null>>;
  /** The stored result of an action, for idempotent replays of the same action id. */
  actionResult(actionId: string): Promise<string | undefined>;
  /**
   * Remember an action's result under its idempotency key, unless one is there already
   * (compare-and-set): resolves with the result stored, this one or the earlier one.
   */
  recordActionResult(actionId: string, result: string, at: number): Promise<string>;
  /**
   * Drop what is outside the replay window (where the backend does not do it itself). What a
   * cluster shares (alert states in KV) is trimmed only by its leader (`leader`; default true).
   */
  trim(now: number, options?: { leader?: boolean }): Promise<void>;
  /** Start background work (checkpoints, reading the stream); the gateway calls it once it listens. */
  start?(): Promise<void>;
  /** Called whenever new frames became readable, whoever journaled them. */
  onAppended(listener: () => void): void;
  health(): JournalHealth;
  close(): Promise<void>;
}
