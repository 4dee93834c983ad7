/**
 * What the page accepts from the console server over the page socket: JSON bounded in depth,
 * then one of the shapes of common/api/page-socket.ts. The UI trusts the types of what it is
 * given, so nothing reaches it unchecked; a refusal says what was wrong, for the count and the
 * log, and never throws.
 */
import {
  ConsoleErrorSchema,
  ConsoleReplySchema,
  ConsoleUpdateSchema,
  type ConsoleMessage,
} from '../../../common/api/page-socket';
import { parseBoundedJson, type JsonRefusal } from '../../../common/protocol/bounded-json';
import { fail, ok, type Result } from '../../../common/result';
import { describeZodIssue } from '../../../common/zod-issue';

/** Why a message from the server was refused. */
export type ConsoleMessageRefusal = JsonRefusal | 'invalid_message';

/** A checked message, or why not; `id` is the call a refused answer was for, when it names one. */
export type ReadConsoleMessage = { message: Result<ConsoleMessage, ConsoleMessageRefusal>; id: number | null };

/** Parse and check one text message from the server. */
export function readConsoleMessage(text: string): ReadConsoleMessage {
  const json = parseBoundedJson(text);
  if (!json.ok) return { message: json, id: null };
  return { message: checkConsoleMessage(json.value), id: callIdOf(json.value) };
}

/**
 * Check a parsed message. The shape is chosen by its key, so the reason names the field that
 * was wrong (`result.code: …`) rather than every shape it failed to be.
 */
export function checkConsoleMessage(value: unknown): Result<ConsoleMessage, 'invalid_message'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('invalid_message', 'expected {id, result}, {update} or {error}');
  const schema =
    'update' in value
      ? ConsoleUpdateSchema
      : 'id' in value
        ? ConsoleReplySchema
        : 'error' in value
          ? ConsoleErrorSchema
          : null;
  if (schema === null) return fail('invalid_message', 'expected {id, result}, {update} or {error}');
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail('invalid_message', describeZodIssue(parsed.error));
}

/** The call id a message answers, if it carries a usable one. */
function callIdOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = value.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}
