/**
 * Decoding frames from the wire: bounded JSON parse, then schema validation, with a reason that
 * says what was wrong and where. Unknown frame types are reported apart from malformed
 * ones, because the protocol ignores the former (forward compatibility) and counts both.
 * Total: whatever the text, it returns a result and never throws.
 */
import type { z } from 'zod';
import { fail, ok, type Result } from '../result.js';
import { describeZodIssue } from '../zod-issue.js';
import { describeValue, errorMessage, parseBoundedJson } from './bounded-json.js';

export type DecodeFailure =
  'malformed_json' | 'too_deep' | 'forbidden_key' | 'unknown_type' | 'invalid_frame' | 'decode_error';

export type DecodeResult<T> = Result<T, DecodeFailure>;

/** Parse and validate one text frame against a discriminated union of frames keyed by `type`. */
export function decodeFrame<T>(
  text: string,
  schema: z.ZodType<T> & { options: ReadonlyArray<{ shape: { type: { value: unknown } } }> },
): DecodeResult<T> {
  const json = parseBoundedJson(text);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid_frame', 'a frame must be a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  if (!schema.options.some((option) => option.shape.type.value === type)) {
    return fail('unknown_type', `unknown frame type ${describeValue(type)}`);
  }
  try {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      return fail('invalid_frame', `${String(type)} frame: ${describeZodIssue(parsed.error, '(frame)')}`);
    return ok(parsed.data);
  } catch (error) {
    // A validator that throws on some input is a bug of ours, not the peer's: still never fatal.
    return fail('decode_error', `${String(type)} frame: ${errorMessage(error)}`);
  }
}
