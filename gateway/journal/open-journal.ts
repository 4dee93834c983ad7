/**
 * Open the journal the configuration names, behind the journal port. A journal that cannot be
 * opened is an error that names what could not be opened.
 */
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import type { GatewayConfig } from '../config.js';
import type { JournalPort } from './journal-port.js';
import { SqliteJournalBackend } from './sqlite-backend.js';

/** What opening a journal needs besides its configuration. */
export type OpenJournalDeps = {
  clock: Clock;
  log: (message: string) => void;
  /** better-sqlite3's native module, when not the one Node would load (Electron). */
  nativeBinding?: string;
};

/** Open the configured journal; the error names the file. */
export async function openJournal(config: GatewayConfig['journal'], deps: OpenJournalDeps): Promise<JournalPort> {
  try {
    return SqliteJournalBackend.open(
      { ...config, ...(deps.nativeBinding === undefined ? {} : { nativeBinding: deps.nativeBinding }) },
      deps,
    );
  } catch (error) {
    throw new Error(`cannot open the gateway journal ${config.path}: ${errorMessage(error)}`);
  }
}
