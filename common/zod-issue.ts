/**
 * One wording for a schema's complaint, wherever input is validated (frames, HTTP bodies, api
 * requests, configuration files): the path of the first issue, then zod's message.
 */
import type { z } from 'zod';

/**
 * "alert.severity: Invalid option: …", or "`whole`: …" when the issue is about the value itself.
 * `under` names where the validated value sits in something larger (a settings section).
 */
export function describeZodIssue(error: z.ZodError, whole = '(root)', under?: string): string {
  const issue = error.issues[0];
  const path = [...(under === undefined ? [] : [under]), ...(issue?.path.map(String) ?? [])];
  return `${path.length > 0 ? path.join('.') : whole}: ${issue?.message ?? 'invalid'}`;
}
