/**
 * Receive → JSON.parse → schema validation (zod), against the raw `ws` receive rate of the same
 * frames in the same run. Target: at least a third of the raw rate.
 *   npx tsx bench/receive-validate.ts [frames=300000]
 */
import WebSocket, { WebSocketServer } from 'ws';
import { decodeFrame } from '../common/protocol/decode.js';
import { ServerFrameSchema } from '../common/protocol/frames.js';
import { benchEvent } from './support/pipeline-events.js';

const N = Number(process.argv[2] ?? 300_000);
const frames = Array.from({ length: N }, (_, i) =>
  JSON.stringify({
    type: 'event',
    stream: 'alerts',
    seq: i + 1,
    event: benchEvent(i, { alerts: 5_000 }),
  }),
);

async function rate(onMessage: (text: string) => void): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => server.once('listening', r));
  server.on('connection', async (ws) => {
    for (let i = 0; i < N; i++) {
      ws.send(frames[i]!);
      if (ws.bufferedAmount > 8e6) while (ws.bufferedAmount > 1e6) await new Promise((r) => setImmediate(r));
    }
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`, {
    perMessageDeflate: false,
  });
  let received = 0;
  let started = 0;
  const done = new Promise<number>((resolve) =>
    client.on('message', (data) => {
      if (received === 0) started = performance.now();
      onMessage(data.toString());
      if (++received === N) resolve(N / ((performance.now() - started) / 1000));
    }),
  );
  const result = await done;
  client.close();
  server.close();
  return result;
}

let valid = 0;
const raw = await rate(() => {});
const validated = await rate((text) => {
  if (decodeFrame(text, ServerFrameSchema).ok) valid++;
});
if (valid !== N) throw new Error(`only ${valid} of ${N} frames validated`);
console.log(`receive-validate: ${N} event frames (${Math.round(frames[0]!.length)} bytes each)`);
console.log(`  raw ws receive          ${Math.round(raw).toLocaleString('en')} frames/s`);
console.log(`  receive+parse+validate  ${Math.round(validated).toLocaleString('en')} frames/s`);
console.log(`  ratio                   ${(validated / raw).toFixed(2)} (target ≥ 0.33)`);
