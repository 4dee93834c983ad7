/**
 * The one result envelope of the code base: every operation that can fail on input it does not
 * control answers with this instead of throwing across a boundary (the api, a decode, an HTTP
 * body, a configuration). `code` is machine-readable and counted; `message` says what was wrong
 * and where, for a person.
 */
export type Result<T, Code extends string = string> = { ok: true; value: T } | Failure<Code>;

/** The failing half of a Result. */
export type Failure<Code extends string = string> = { ok: false; code: Code; message: string };

/** A success. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A failure with its code and message. */
export const fail = <Code extends string>(code: Code, message: string): Failure<Code> => ({ ok: false, code, message });
