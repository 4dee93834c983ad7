/**
 * The parts of a running gateway a source plugs into: its sink, HTTP routes, console-action
 * handlers and the source lifecycle. Sources take this, never the whole gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventSink, EventSource, SourceActionHandler } from './sink.js';

/** What `installSources` and each source's install function are given. */
export type SourceHooks = {
  sink: EventSink;
  addRoute(
    method: string,
    path: string,
    handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  ): void;
  addActionHandler(handler: SourceActionHandler): void;
  addSource(source: EventSource): Promise<void>;
};
