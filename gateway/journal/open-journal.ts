/**
 * Open the journal the configuration names, behind the journal port: a SQLite file, or a
 * JetStream stream. A journal that cannot be opened is an error naming the file or the servers.
 */
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import type { JournalConfig } from './journal-config.js';
import type { JournalPort } from './journal-port.js';
import { JetStreamJournalBackend } from './jetstream/jetstream-backend.js';
import { SqliteJournalBackend } from './sqlite-backend.js';

/** What opening a journal needs besides its configuration. */
export type OpenJournalDeps = {
  clock: Clock;
  log: (message: string) => void;
  /** better-sqlite3's native module, when not the one Node would load (Electron). */
  nativeBinding?: string;
  /** The gateway's name (the NATS connection's name). */
  name?: string;
};

/** Open the configured journal; the error names the file, or the stream and servers. */
export async function openJournal(config: JournalConfig, deps: OpenJournalDeps): Promise<JournalPort> {
  if (config.kind === 'jetstream') {
    const { servers, stream } = config;
    if (servers === undefined || stream === undefined)
      throw new Error('a jetstream journal needs servers and a stream');
    return JetStreamJournalBackend.open(
      {
        ...config,
        servers,
        stream,
        ...(deps.nativeBinding === undefined ? {} : { nativeBinding: deps.nativeBinding }),
      },
      { clock: deps.clock, log: deps.log, name: deps.name ?? 'tocsin-gateway' },
    );
  }
  const path = config.path ?? ':memory:';
  try {
    return SqliteJournalBackend.open(
      { ...config, path, ...(deps.nativeBinding === undefined ? {} : { nativeBinding: deps.nativeBinding }) },
      deps,
    );
  } catch (error) {
    throw new Error(`cannot open the gateway journal ${path}: ${errorMessage(error)}`);
  }
}
