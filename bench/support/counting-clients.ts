/**
 * Counting WebSocket clients in a worker thread, so that receiving does not compete with the
 * server under test for the same event loop. Each client counts `event` frames and nothing
 * else; the worker reports when every client has counted `expect` of them.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the worker is told to do. */
export type CountingJob = {
  url: string;
  clients: number;
  expect: number;
  token?: string;
  hello: boolean;
  protocol?: string;
};

// Plain JavaScript (eval'd in the worker) so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const { url, clients, expect, token, hello, protocol } = workerData.job;
let open = 0, live = 0, done = 0;
const sockets = [];
for (let c = 0; c < clients; c++) {
  const ws = new WebSocket(url, protocol ? [protocol] : [], { perMessageDeflate: false, headers: token ? { authorization: 'Bearer ' + token } : {} });
  sockets.push(ws);
  let count = 0;
  ws.on('open', () => {
    if (hello) ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'bench', version: '0' }, resume: { alerts: 0 } }));
    if (++open === clients && !hello) parentPort.postMessage({ type: 'ready' });
  });
  ws.on('message', (data) => {
    // Only the frame type is looked at: a counting client, not a validating one.
    const head = data.toString('latin1', 0, 16);
    if (head.startsWith('{"type":"event"')) {
      if (++count === expect && ++done === clients) parentPort.postMessage({ type: 'done', at: Date.now() });
    } else if (head.startsWith('{"type":"live"')) {
      if (++live === clients) parentPort.postMessage({ type: 'ready' });
    } else if (head.startsWith('{"type":"ping"')) {
      ws.send(JSON.stringify({ type: 'pong', t: 0 }));
    }
  });
  ws.on('error', (e) => parentPort.postMessage({ type: 'error', message: String(e && e.message) }));
}
parentPort.on('message', () => { for (const ws of sockets) ws.terminate(); parentPort.close(); });
`;

/** A running set of counting clients. */
export type CountingClients = { ready: Promise<void>; done: Promise<number>; stop(): Promise<void> };

/** Start `job.clients` counting clients in a worker; `ready` once connected (and live), `done` with the wall time all finished. */
export function startCountingClients(job: CountingJob, timeoutMs: number): CountingClients {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { job, wsPath } });
  let readyResolve!: () => void;
  let doneResolve!: (at: number) => void;
  let fail!: (error: Error) => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const done = new Promise<number>((resolve, reject) => {
    doneResolve = resolve;
    fail = reject;
  });
  ready.catch(() => undefined);
  const timer = setTimeout(() => fail(new Error(`counting clients: not done within ${timeoutMs} ms`)), timeoutMs);
  worker.on('message', (message: { type: string; at?: number; message?: string }) => {
    if (message.type === 'ready') readyResolve();
    else if (message.type === 'done') doneResolve(message.at!);
    else if (message.type === 'error') fail(new Error(`counting client: ${message.message}`));
  });
  worker.on('error', (error) => fail(error));
  return {
    ready: Promise.race([ready, done.then(() => undefined)]),
    done: done.finally(() => clearTimeout(timer)),
    stop: async () => {
      clearTimeout(timer);
      worker.postMessage('stop');
      await worker.terminate();
    },
  };
}
