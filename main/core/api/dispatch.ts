/**
 * Runs one API operation for a shell adapter (Electron IPC or the browser console's socket):
 * validates the request against the contract, calls the handler, and wraps the outcome in a
 * result envelope. Shells check *who* is asking before calling this; this checks *what*.
 */
import { apiOperations, type ApiHandlers, type OperationName, type Result } from '../../../common/api/contract.js';
import { describeZodIssue } from '../../../common/zod-issue.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';

/** Thrown by handlers to answer with a specific error code instead of `internal`. */
export class ApiError extends Error {
  constructor(
    readonly code: 'not_found' | 'unavailable' | 'invalid_request',
    message: string,
  ) {
    super(message);
  }
}

/** True if `name` is an operation of the contract (the shells receive names from untrusted pages). */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(apiOperations, name);
}

/** Validate a request against its operation's schema; the failure says which field and why. */
export function validateRequest(
  name: OperationName,
  request: unknown,
): { ok: true; data: unknown } | { ok: false; code: 'invalid_request'; message: string } {
  const parsed = apiOperations[name].request.safeParse(request ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, code: 'invalid_request', message: `${name}: ${describeZodIssue(parsed.error, '(request)')}` };
}

/** Validate `request` for operation `name`, run its handler, and answer with an envelope. */
export async function dispatch(handlers: ApiHandlers, name: OperationName, request: unknown): Promise<Result<unknown>> {
  const valid = validateRequest(name, request);
  if (!valid.ok) return valid;
  try {
    const handler = handlers[name] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(valid.data) };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'internal', message: `${name} failed: ${errorMessage(error)}` };
  }
}
