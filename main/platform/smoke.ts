/**
 * `--smoke-test`: the release workflow's check that the packaged app really starts on each OS
 * (.github/workflows/release.yml, job `smoke`). The app starts as usual, waits until the core is
 * ready and the window has loaded the page (renderer, app protocol and preload all resolved from
 * the packaged app), prints one line and quits gracefully, exit code 0; a failure prints the
 * reason and exits 1 without a dialog (nobody is there to close it). Pure: tested in plain Node.
 */

/** The flag. */
export const SMOKE_TEST_ARG = '--smoke-test';

/** How long the whole start may take on a CI runner before the smoke test fails. */
export const SMOKE_TIMEOUT_MS = 120_000;

/** The line printed on success (the workflow greps for it). */
export const SMOKE_OK = 'tocsin smoke test: core ready, window loaded';

/** How a failed start ends: a dialog for a person, a line and exit 1 for the smoke test. */
export function failureEnding(smokeTest: boolean): 'dialog' | 'stderr' {
  return smokeTest ? 'stderr' : 'dialog';
}
