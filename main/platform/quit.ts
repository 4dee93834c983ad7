/**
 * How Tocsin quits: the core flushes the history and stops its worker before the process ends,
 * within a deadline, and without getting in the way of the OS ending the session. Pure: the
 * sequence takes injected functions and is tested in plain Node; main/index.ts wires it to
 * app 'before-quit', powerMonitor 'shutdown' and the window's 'session-end'.
 *
 * - A quit by the user (tray Quit, Cmd+Q, closing the last window) is held in 'before-quit'
 *   until the core has closed, or the deadline passed.
 * - macOS logout/restart and Linux shutdown: powerMonitor 'shutdown' (power-monitor.md: calling
 *   preventDefault makes Electron delay the shutdown, "the app should exit as soon as possible
 *   by calling something like app.quit()"). On macOS, preventDefault there is what makes
 *   AtomApplication ignore `terminate:` until we call app.quit() (electron_application.mm
 *   willPowerOff/terminate:); holding 'before-quit' instead would answer the system's quit
 *   request with a cancel and interrupt the logout. So once the session is ending, 'before-quit'
 *   is never held.
 * - Windows: 'before-quit' is not emitted at shutdown or logout (app.md); BrowserWindow
 *   'session-end' is, and "there is no way to prevent the session from ending": the core is
 *   asked to close, best effort (SQLite's WAL keeps every committed write either way).
 */

/** What the sequence needs. */
export type QuitDeps = {
  /** Flush the store and stop the core (CoreSupervisor.close). */
  closeCore(): Promise<void>;
  /** app.quit(). */
  quit(): void;
  log(line: string): void;
  setTimeout(callback: () => void, ms: number): unknown;
};

/** How long a user's quit waits for the core. */
export const QUIT_DEADLINE_MS = 6_000;
/** How long a shutting-down session waits for it. */
export const SHUTDOWN_DEADLINE_MS = 3_000;

/** The quit sequence of one app run. */
export class QuitSequence {
  private closing: Promise<void> | null = null;
  private closed = false;
  private sessionEnding = false;
  private requested = false;

  constructor(private readonly deps: QuitDeps) {}

  /** True once a quit or the end of the session began: closing the window must then really close. */
  get quitting(): boolean {
    return this.requested;
  }

  /** app 'before-quit': true when the quit must be held (call event.preventDefault()). */
  beforeQuit(): boolean {
    this.requested = true;
    if (this.closed) return false;
    if (this.sessionEnding) {
      this.close(SHUTDOWN_DEADLINE_MS);
      return false;
    }
    this.close(QUIT_DEADLINE_MS);
    return true;
  }

  /** powerMonitor 'shutdown' (macOS, Linux): true to delay the shutdown (call event.preventDefault()). */
  shutdown(): boolean {
    this.sessionEnding = this.requested = true;
    this.close(SHUTDOWN_DEADLINE_MS);
    return !this.closed;
  }

  /** BrowserWindow 'session-end' (Windows): the session ends regardless; close what can be closed. */
  sessionEnd(): void {
    this.sessionEnding = this.requested = true;
    this.close(SHUTDOWN_DEADLINE_MS);
  }

  /** Close the core once; when it closed or the deadline passed, quit for real. */
  private close(deadlineMs: number): void {
    if (this.closing) return;
    let done = false;
    const finish = (line?: string) => {
      if (done) return;
      done = true;
      if (line) this.deps.log(line);
      this.closed = true;
      this.deps.quit();
    };
    this.deps.setTimeout(
      () => finish(`tocsin: the core did not close within ${deadlineMs / 1000} s; quitting anyway`),
      deadlineMs,
    );
    this.closing = this.deps.closeCore().then(
      () => finish(),
      (error: unknown) =>
        finish(`tocsin: closing the core failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}
