/**
 * Decoding frames from the wire: JSON parse, then schema validation, with a reason that
 * says what was wrong and where. Unknown frame types are reported apart from malformed
 * ones, because the protocol ignores the former (forward compatibility) and counts both.
 */
import type { z } from 'zod';

export type DecodeResult<T> =
  | { ok: true; frame: T }
  | { ok: false; reason: 'malformed_json' | 'unknown_type' | 'invalid_frame'; detail: string };

/** Parse and validate one text frame against a discriminated union of frames keyed by `type`. */
export function decodeFrame<T>(
  text: string,
  schema: z.ZodType<T> & { options: ReadonlyArray<{ shape: { type: { value: unknown } } }> },
): DecodeResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'malformed_json', detail: (error as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'invalid_frame', detail: 'a frame must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (!schema.options.some((option) => option.shape.type.value === type)) {
    return { ok: false, reason: 'unknown_type', detail: `unknown frame type ${JSON.stringify(type)?.slice(0, 64)}` };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(frame)';
    return { ok: false, reason: 'invalid_frame', detail: `${String(type)} frame: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, frame: parsed.data };
}
