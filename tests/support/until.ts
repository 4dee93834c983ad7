/**
 * Poll until `check` holds or the time runs out (a test helper, not shipped code). `what` names
 * the condition in the error; a function is called only on a time-out, to describe the state then.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string | Promise<string>),
  pollMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${typeof what === 'string' ? what : await what()}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
