/** Listener sets for the host's events, shared by CoreHost and the supervisor around it. */

/** Listeners called in the order they subscribed; `add` returns the unsubscribe function. */
export class Listeners<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  add(listener: (...args: Args) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(...args: Args): void {
    for (const listener of this.listeners) listener(...args);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Listeners that are also given the latest value at once when they subscribe (the tray model). */
export class LatestListeners<T> {
  private readonly listeners = new Listeners<[T]>();
  latest: T | null = null;

  add(listener: (value: T) => void): () => void {
    const unsubscribe = this.listeners.add(listener);
    if (this.latest !== null) listener(this.latest);
    return unsubscribe;
  }

  emit(value: T): void {
    this.latest = value;
    this.listeners.emit(value);
  }
}
