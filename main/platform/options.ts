/**
 * The shell's own options, from the command line and the environment (the core reads its feeds
 * and notification settings itself). Pure: tested in plain Node.
 */
import { HIDDEN_ARG } from './autostart.js';
import { SMOKE_TEST_ARG } from './smoke.js';

/** The application id: electron-builder's appId and, on Windows, the AppUserModelID that notifications need. */
export const APP_ID = 'dev.tocsin.console';

/** The app's name: package.json productName, electron-builder's productName, the userData folder. */
export const APP_NAME = 'Tocsin';

/** The flag that moves a damaged history aside (main/core/store/open-database.ts) and starts afresh. */
export const RESET_HISTORY_ARG = '--reset-history';

/** How the shell behaves. */
export type ShellOptions = {
  /** Launched at login: start in the tray without showing the window. */
  startHidden: boolean;
  /** `--reset-history`: move a damaged history aside and start a fresh one. */
  resetHistory: boolean;
  /** `--smoke-test`: start, wait for the core and the page, quit (smoke.ts). */
  smokeTest: boolean;
  /** Hosts whose https links may open in the user's browser (see external-urls.ts). */
  externalAllowlist: string[];
};

/**
 * Read the options: `--hidden`; `--reset-history`; `--smoke-test`; `TOCSIN_EXTERNAL_HOSTS`,
 * a comma-separated host allowlist for opening links (runbooks, dashboards).
 */
export function shellOptionsFrom(argv: readonly string[], env: Record<string, string | undefined>): ShellOptions {
  return {
    startHidden: argv.includes(HIDDEN_ARG),
    resetHistory: argv.includes(RESET_HISTORY_ARG),
    smokeTest: argv.includes(SMOKE_TEST_ARG),
    externalAllowlist: (env.TOCSIN_EXTERNAL_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== ''),
  };
}
