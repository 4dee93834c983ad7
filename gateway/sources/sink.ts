/**
 * The seam between event sources (demo simulator, Alertmanager webhook, Prometheus poller,
 * HTTP POST) and the gateway's journal. Sources never touch the journal or sockets directly.
 */
import type { AlertEvent, AlertState } from '../../common/protocol/alert.js';
import type { MetricSample } from '../../common/protocol/metrics.js';
import type { Action } from '../../common/protocol/frames.js';

/** One event offered to the journal, with an optional key that makes re-delivery harmless. */
export type SinkEntry = { event: AlertEvent; dedupKey?: string };

export interface EventSink {
  /**
   * Journal the entries in one transaction and resolve once they are durable. Each result is
   * the seq assigned, or null when an entry's dedupKey was already journaled. Rejects when
   * the write fails (the Alertmanager receiver then answers 503, never 2xx).
   */
  publish(entries: readonly SinkEntry[]): Promise<Array<number | null>>;
  /** Metrics are latest-value-wins and never queue ahead of alerts. */
  publishMetrics(samples: readonly MetricSample[]): void;
  /** The gateway's current view of an alert, if it has one. */
  alertState(alertId: string): AlertState | undefined;
}

/**
 * A source that must act when a console acts on one of its alerts (for example, an
 * acknowledgement creates a silence in Alertmanager). Returning normally lets the gateway
 * journal the action's event; throwing answers the action with `source_failed`.
 */
export interface SourceActionHandler {
  readonly source: string;
  onAction(alert: AlertState, action: Action, by: string): Promise<void>;
}

/** Lifecycle of every source: started by the gateway with its sink, stopped on close. */
export interface EventSource {
  readonly name: string;
  start(sink: EventSink): Promise<void>;
  stop(): Promise<void>;
}
