/**
 * The browser console's page socket (`/api`): every message the page sends and every message
 * the console server sends, as schemas both ends validate against. The page is untrusted by
 * the server, and the server's messages are checked by the page before the UI sees them, so a
 * malformed message is refused and counted at the end that receives it, never cast.
 *
 * Page → server: `{id, op, request}` calls (the request is checked by the core against the api
 * contract) and `{window}` visibility reports. Server → page: `{id, result}` answers (a Result
 * envelope), `{update}` pushes, and `{error}` when a page message could not be understood.
 */
import { z } from 'zod';
import { WindowStateSchema } from '../window-state.js';
import { ERROR_CODES, UiUpdateSchema } from './contract.js';

/** A call: `op` names an operation of the api contract (checked by the server), `id` pairs it with its answer. */
export const PageCallSchema = z.object({
  id: z.number().int().nonnegative(),
  op: z.string().max(64),
  request: z.unknown(),
});
export type PageCall = z.infer<typeof PageCallSchema>;

/** The page's visibility, reported when it changes. */
export const PageWindowSchema = z.object({ window: WindowStateSchema });
export type PageWindow = z.infer<typeof PageWindowSchema>;

/** Anything a page may send. */
export const PageMessageSchema = z.union([PageWindowSchema, PageCallSchema]);
export type PageMessage = z.infer<typeof PageMessageSchema>;

/**
 * The api's Result envelope on the wire. `value` may be absent: JSON drops an undefined value.
 * The value itself is the operation's response, the contract's business, not the socket's.
 */
export const ApiResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), code: z.enum(ERROR_CODES), message: z.string() }),
]);
export type ApiResult = z.infer<typeof ApiResultSchema>;

/** The answer to the call with the same `id`. */
export const ConsoleReplySchema = z.object({ id: z.number().int().nonnegative(), result: ApiResultSchema });
export type ConsoleReply = z.infer<typeof ConsoleReplySchema>;

/** A batch of changes pushed to every page. */
export const ConsoleUpdateSchema = z.object({ update: UiUpdateSchema });
export type ConsoleUpdate = z.infer<typeof ConsoleUpdateSchema>;

/** The server could not understand a page message (no id to answer: it may have had none). */
export const ConsoleErrorSchema = z.object({ error: z.string() });
export type ConsoleError = z.infer<typeof ConsoleErrorSchema>;

/** Anything the server may send to a page. */
export const ConsoleMessageSchema = z.union([ConsoleReplySchema, ConsoleUpdateSchema, ConsoleErrorSchema]);
export type ConsoleMessage = z.infer<typeof ConsoleMessageSchema>;
