/**
 * Decoding frames from the wire: bounded JSON parse, then schema validation, with a reason that
 * says what was wrong and where. Unknown frame types are reported apart from malformed
 * ones, because the protocol ignores the former (forward compatibility) and counts both.
 * Total: whatever the text, it returns a result and never throws.
 */
import type { z } from 'zod';
import { describeValue, errorMessage, parseBoundedJson } from './bounded-json.js';

export type DecodeFailure = 'malformed_json' | 'too_deep' | 'forbidden_key' | 'unknown_type' | 'invalid_frame' | 'decode_error';

export type DecodeResult<T> = { ok: true; frame: T } | { ok: false; reason: DecodeFailure; detail: string };

/** Parse and validate one text frame against a discriminated union of frames keyed by `type`. */
export function decodeFrame<T>(
  text: string,
  schema: z.ZodType<T> & { options: ReadonlyArray<{ shape: { type: { value: unknown } } }> },
): DecodeResult<T> {
  const json = parseBoundedJson(text);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'invalid_frame', detail: 'a frame must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (!schema.options.some((option) => option.shape.type.value === type)) {
    return { ok: false, reason: 'unknown_type', detail: `unknown frame type ${describeValue(type)}` };
  }
  try {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.map(String).join('.') : '(frame)';
      return { ok: false, reason: 'invalid_frame', detail: `${String(type)} frame: ${where}: ${issue?.message ?? 'invalid'}` };
    }
    return { ok: true, frame: parsed.data };
  } catch (error) {
    // A validator that throws on some input is a bug of ours, not the peer's: still never fatal.
    return { ok: false, reason: 'decode_error', detail: `${String(type)} frame: ${errorMessage(error)}` };
  }
}
