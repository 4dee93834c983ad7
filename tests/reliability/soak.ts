/** Short versions run in `npm test`; `npm run soak` sets TOCSIN_SOAK=full for the full counts. */
export const FULL = process.env.TOCSIN_SOAK === 'full';
/** `short` normally, `full` under `npm run soak`. */
export const scale = (short: number, full: number) => (FULL ? full : short);

/** Poll until `check` holds or the time runs out. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
