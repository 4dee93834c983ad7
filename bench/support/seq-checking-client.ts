/**
 * One console for replay benchmarks, in a worker thread (so receiving does not compete with the
 * gateway under test for its event loop): says hello from seq 0, and checks as it counts that
 * the event frames' seqs run 1, 2, 3, … with no gap, repeat or reordering. Only the head of each
 * frame is read (`{"type":"event","stream":"alerts","seq":N,…`), not the whole JSON: a counting
 * client that still proves the seqs, cheap enough not to be what is measured. Done when it has
 * counted `expect` events, the last being seq `expect`; fails at the first seq out of place.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type SeqCheckingJob = { url: string; expect: number; token: string; protocol: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const { url, expect, token, protocol } = workerData.job;
const ws = new WebSocket(url, [protocol], { perMessageDeflate: false, headers: { authorization: 'Bearer ' + token } });
let count = 0, last = 0, other = 0, failed = false;
const fail = (message) => { if (!failed) { failed = true; parentPort.postMessage({ type: 'error', message }); } };
ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 'bench', version: '0' }, resume: { alerts: 0 } })));
ws.on('message', (data) => {
  const head = data.toString('latin1', 0, 64);
  if (head.startsWith('{"type":"event"')) {
    const at = head.indexOf('"seq":');
    const seq = at < 0 ? NaN : parseInt(head.slice(at + 6), 10);
    if (seq !== last + 1) return fail('event ' + (count + 1) + ' has seq ' + seq + ' after seq ' + last + ': not contiguous');
    last = seq;
    if (++count === expect) parentPort.postMessage({ type: 'done', at: Date.now(), count, last, other });
    else if (count > expect) fail('more than ' + expect + ' events: seq ' + seq);
  } else if (head.startsWith('{"type":"ping"')) {
    ws.send(JSON.stringify({ type: 'pong', t: 0 }));
  } else {
    other++;
  }
});
ws.on('error', (e) => fail('console: ' + String(e && e.message)));
ws.on('close', (code) => { if (count < expect) fail('the gateway closed the feed (' + code + ') after ' + count + ' events, at seq ' + last); });
parentPort.on('message', () => { ws.terminate(); parentPort.close(); });
`;

/** What the console saw: when it had counted every event, and the frames that were not events. */
export type SeqCheckResult = { at: number; count: number; last: number; other: number };

/** Start the console; `done` resolves when all `expect` events came in order, rejects at the first one out of place. */
export function startSeqCheckingClient(
  job: SeqCheckingJob,
  timeoutMs: number,
): { done: Promise<SeqCheckResult>; stop(): Promise<void> } {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { job, wsPath } });
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<SeqCheckResult>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`console: not every event within ${timeoutMs} ms`)), timeoutMs);
    worker.on('message', (message: { type: string; message?: string } & SeqCheckResult) => {
      if (message.type === 'done') resolve(message);
      else reject(new Error(message.message));
    });
    worker.on('error', reject);
  }).finally(() => clearTimeout(timer));
  done.catch(() => undefined);
  return {
    done,
    stop: async () => {
      clearTimeout(timer);
      worker.postMessage('stop');
      await worker.terminate();
    },
  };
}
