/**
 * WAL checkpoints on a thread of their own. A passive checkpoint copies the WAL back into the
 * database while writers go on (SQLite allows both at once), but better-sqlite3 is synchronous:
 * run on the core's thread, a checkpoint of 50,000 events held the event loop for 150–650 ms
 * (bench/core-latency.ts at 10,000 events/s), and every alert behind it waited. Here a worker
 * thread with its own connection runs them; only a "checkpoint now" message crosses over, and
 * at most one checkpoint is in flight.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The worker's code, evaluated (so it runs from the sources in tests and from the bundle alike). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, Object.assign({ fileMustExist: true, timeout: 2000 },
  workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}));
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) });
  }
});
parentPort.postMessage({ ready: true });
`;

export type CheckpointResult =
  { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; message: string };

export class CheckpointThread {
  private inFlight = false;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly onResult: (result: CheckpointResult) => void,
  ) {
    worker.on('message', (message: CheckpointResult | { closed: true }) => {
      if ('closed' in message) return;
      this.inFlight = false;
      onResult(message);
    });
    worker.on('error', (error) => onResult({ ok: false, message: `the checkpoint thread failed: ${error.message}` }));
  }

  /**
   * Start the thread on the SQLite file at `path` (already in WAL mode). `nativeBinding`: the
   * better_sqlite3.node the thread loads, when not node_modules' own (Electron from source loads
   * its own build; the Node build would fail there with NODE_MODULE_VERSION).
   */
  static async start(
    path: string,
    onResult: (result: CheckpointResult) => void = () => {},
    nativeBinding?: string,
  ): Promise<CheckpointThread> {
    // Resolved here, where the bundle or the sources can find it; the evaluated worker cannot.
    const driver = createRequire(join(import.meta.dirname, 'resolve-from-here.js')).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, nativeBinding } });
    const listeners: { message?: () => void; error?: (error: Error) => void } = {};
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (listeners.message = () => resolve()));
        worker.once('error', (listeners.error = reject));
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('message', listeners.message!).off('error', listeners.error!);
    }
    return new CheckpointThread(worker, onResult);
  }

  /** Ask for a passive checkpoint; ignored while one is still running. */
  request(): void {
    if (this.inFlight || this.closing) return;
    this.inFlight = true;
    this.worker.postMessage('checkpoint');
  }

  /** Let a running checkpoint finish, close the thread's connection, end the thread. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = (message: { closed?: true }) => {
        if (!message.closed) return;
        this.worker.off('message', done);
        void this.worker.terminate().then(() => resolve());
      };
      this.worker.on('message', done);
      this.worker.postMessage('close');
    });
    return this.closing;
  }
}
