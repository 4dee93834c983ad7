/**
 * JSONata expressions of a JSON webhook mapping: compiled once when the configuration is
 * loaded (a syntax error is a configuration error naming the field), evaluated with bounds so
 * that neither a hostile expression nor a hostile body can hang or exhaust the gateway.
 *
 * Bounds: jsonata's own guardrails (`timeout`, checked at every evaluation step; `stack`, the
 * evaluation depth, which stops runaway recursion; `sequence`, the largest sequence built),
 * and `$pad` capped, the one built-in whose output size a body alone can choose.
 */
import jsonata from 'jsonata';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../../common/result.js';

/** How far one evaluation may go. */
export type ExpressionLimits = { timeoutMs: number; maxDepth: number; maxSequence: number };

/** The defaults: generous for any mapping (they take well under 1 ms), tight for an attack. */
export const DEFAULT_LIMITS: ExpressionLimits = { timeoutMs: 100, maxDepth: 200, maxSequence: 10_000 };

/** Longest string `$pad` may build. */
const MAX_PAD = 16_384;

/** A compiled expression and its text (kept for messages). */
export type CompiledExpression = { readonly text: string; evaluate(input: unknown): Promise<Result<unknown>> };

/** jsonata's errors are plain objects with a code, a message and a position. */
function describeJsonataError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { code, message, position } = error as { code?: string; message?: string; position?: number };
    return `${message ?? 'error'}${code ? ` [${code}]` : ''}${typeof position === 'number' ? ` at character ${position}` : ''}`;
  }
  return errorMessage(error);
}

/** Compile `text`; the failure's message says what is wrong and where in the expression. */
export function compileExpression(text: string, limits: ExpressionLimits = DEFAULT_LIMITS): Result<CompiledExpression> {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text, { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence });
  } catch (error) {
    return fail('invalid_expression', `not a valid JSONata expression: ${describeJsonataError(error)}`);
  }
  // Overrides the built-in for this expression only: a body could otherwise ask for a gigabyte.
  expression.registerFunction(
    'pad',
    (value: string | undefined, width: number, char?: string) => {
      if (value === undefined) return undefined;
      if (Math.abs(width) > MAX_PAD) throw new Error(`$pad width over ${MAX_PAD}`);
      const fill = (char ?? ' ') || ' ';
      const missing = Math.max(0, Math.abs(width) - [...value].length);
      const padding = fill.repeat(missing).slice(0, missing);
      return width < 0 ? padding + value : value + padding;
    },
    '<s-ns?:s>',
  );
  return ok({
    text,
    evaluate: async (input) => {
      try {
        return ok(await expression.evaluate(input));
      } catch (error) {
        return fail('expression_failed', describeJsonataError(error));
      }
    },
  });
}
