/**
 * JSON from the network, parsed with a bound on nesting and described without recursion.
 *
 * `JSON.parse` itself copes with any depth, but everything after it does not: `JSON.stringify`,
 * `String()` of a nested array and schema validators all recurse, and a frame nested a few
 * thousand levels deep throws `RangeError: Maximum call stack size exceeded` in them. No frame,
 * request body or API response that Tocsin reads legitimately nests deeper than a handful of
 * levels, so the text is measured before it is parsed and anything deeper than
 * MAX_JSON_DEPTH is refused with its own reason.
 *
 * A `__proto__` key is refused too, naming where it stood: JSON.parse makes it an own property,
 * but schema validators and spreads drop it or, worse, assign it as a prototype, so an alert
 * label `__proto__` would be accepted and silently lost.
 */
import { fail, ok, type Result } from '../result.js';

/** Deepest nesting of arrays and objects accepted from the network (frames, HTTP bodies, API answers). */
export const MAX_JSON_DEPTH = 32;

/** Why JSON text was refused. */
export type JsonRefusal = 'too_deep' | 'malformed_json' | 'forbidden_key';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The position at which `text` first nests deeper than `maxDepth` (arrays and objects, outside
 * strings), or -1. One pass over the characters, no allocation; malformed text is measured as far
 * as it goes (JSON.parse reports the rest).
 */
export function depthExceededAt(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return -1;
}

/** Parse JSON text from the network: refused (never thrown) when malformed or nested deeper than `maxDepth`. */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): Result<unknown, JsonRefusal> {
  const at = depthExceededAt(text, maxDepth);
  if (at >= 0) return fail('too_deep', `nested deeper than ${maxDepth} levels (at character ${at})`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return fail('malformed_json', errorMessage(error));
  }
  // The key can only be there if its name, or an escape that spells it, is in the text.
  if (text.includes('__proto__') || text.includes('\\u')) {
    const where = protoKeyPath(value);
    if (where !== null) return fail('forbidden_key', `the key "__proto__" is not accepted (at ${where})`);
  }
  return ok(value);
}

/** Where a parsed value holds an own `__proto__` key (a dotted path), or null. Iterative: depth is bounded already, but no recursion is needed. */
function protoKeyPath(root: unknown): string | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '(root)' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return path;
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, path: path === '(root)' ? key : `${path}.${key}` });
    }
  }
  return null;
}

/**
 * A short description of any value for an error message, without recursing into it: strings are
 * quoted and cut, containers are named by kind and size.
 */
export function describeValue(value: unknown, maxChars = 64): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > maxChars ? `${value.slice(0, maxChars)}…` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : describeValue(error);
}
