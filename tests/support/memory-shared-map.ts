/**
 * A SharedMap in memory, with the revisions and compare-and-set of a KV bucket: the stand-in
 * for the cluster's maps in unit tests (the real ones are tested against nats-server).
 */
import type { SharedMap } from '../../gateway/cluster/cluster-role.js';

export class MemorySharedMap<T> implements SharedMap<T> {
  private readonly entriesByKey = new Map<string, { value: T; revision: number }>();
  private revision = 0;

  async get(key: string): Promise<T | undefined> {
    return this.copy(this.entriesByKey.get(key)?.value);
  }

  async put(key: string, value: T): Promise<void> {
    this.entriesByKey.set(key, { value: this.copy(value)!, revision: ++this.revision });
  }

  async delete(key: string): Promise<void> {
    this.entriesByKey.delete(key);
  }

  async entries(): Promise<Array<[string, T]>> {
    return [...this.entriesByKey].map(([key, entry]) => [key, this.copy(entry.value)!]);
  }

  async read(key: string): Promise<{ value: T; revision: number } | undefined> {
    const entry = this.entriesByKey.get(key);
    return entry && { value: this.copy(entry.value)!, revision: entry.revision };
  }

  async putIf(key: string, value: T, revision: number | null): Promise<boolean> {
    const current = this.entriesByKey.get(key);
    if ((current?.revision ?? null) !== revision) return false;
    await this.put(key, value);
    return true;
  }

  private copy(value: T | undefined): T | undefined {
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
  }
}
