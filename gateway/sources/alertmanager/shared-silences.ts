/**
 * Where the silences Tocsin created are recorded. A lone gateway keeps them in its own SQLite
 * file (`SilenceStore`); the gateways of a cluster share one map (a KV bucket), so a silence
 * made through one gateway is checked, and expired, by whichever gateway leads.
 */
import type { SharedMap } from '../../cluster/cluster-role.js';
import type { SilenceRecord } from './silences.js';

/** alert id → the silence Tocsin created for it; a SQLite store answers at once, a shared one over the network. */
export interface SilenceRecords {
  get(alertId: string): SilenceRecord | undefined | Promise<SilenceRecord | undefined>;
  put(record: SilenceRecord): void | Promise<void>;
  all(): SilenceRecord[] | Promise<SilenceRecord[]>;
  delete(alertId: string): void | Promise<void>;
  close(): void;
}

/** The cluster's silences, in a map every gateway shares. */
export class SharedSilenceStore implements SilenceRecords {
  constructor(private readonly map: SharedMap<SilenceRecord>) {}

  get(alertId: string): Promise<SilenceRecord | undefined> {
    return this.map.get(alertId);
  }

  put(record: SilenceRecord): Promise<void> {
    return this.map.put(record.alertId, record);
  }

  async all(): Promise<SilenceRecord[]> {
    return (await this.map.entries()).map(([, record]) => record).sort((a, b) => a.alertId.localeCompare(b.alertId));
  }

  delete(alertId: string): Promise<void> {
    return this.map.delete(alertId);
  }

  close(): void {}
}
