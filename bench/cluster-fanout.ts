/**
 * Fan-out of a JetStream cluster: 1,000 consoles spread over three gateway processes against
 * 1,000 consoles on one, in one run, on one real nats-server (loopback, store in a temp dir).
 * Events are posted to the first gateway; every console counts every one (those on the other
 * gateways get them through the stream). Reported: deliveries per second (events × consoles
 * over the time from the first post to the last console's last event) and each gateway
 * process's resident memory per console (its RSS after the consoles connected, less before).
 * Throws unless every console counted every event; bounded by 180 s per run.
 * Needs the built gateway (`node scripts/build.mjs`; `npm run bench` builds first).
 *   npx tsx bench/cluster-fanout.ts [consoles=1000] [events=300]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats } from '../tests/support/nats.js';
import { startProcess, type Started } from '../tests/support/processes.js';
import { freePort } from '../tests/support/real-monitoring.js';
import { startCountingClients, type CountingClients } from './support/counting-clients.js';
import { benchEvent } from './support/pipeline-events.js';

const CONSOLES = Number(process.argv[2] ?? 1_000);
const EVENTS = Number(process.argv[3] ?? 300);
const TIMEOUT_MS = 180_000;
const TOKEN = 'bench-token-0123456789abcdef';
const CLI = 'dist/gateway/cli.cjs';
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

async function run(
  servers: string[],
  stream: string,
  gatewayCount: number,
): Promise<{ rate: number; mbPerConsole: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-fanout-'));
  const gateways: Array<{ process: Started; port: number }> = [];
  const clients: CountingClients[] = [];
  try {
    for (let g = 0; g < gatewayCount; g++) {
      const port = await freePort();
      const config = join(dir, `gateway-${g}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          name: `fanout-${g}`,
          listen: { host: '127.0.0.1', port },
          tokens: [TOKEN],
          journal: { kind: 'jetstream', servers, stream },
          http: { maxConnectionsPerAddress: 4_000, maxPendingUpgrades: 2_000 },
        }),
      );
      gateways.push({ process: await startProcess('node', [CLI, '--config', config], /Tocsin gateway: ws:/), port });
    }
    const before = gateways.map((g) => rssMb(g.process.child.pid!));
    const share = (g: number) => Math.floor(CONSOLES / gatewayCount) + (g < CONSOLES % gatewayCount ? 1 : 0);
    for (const [g, gateway] of gateways.entries()) {
      clients.push(
        startCountingClients(
          {
            url: `ws://127.0.0.1:${gateway.port}/v1/feed`,
            clients: share(g),
            expect: EVENTS,
            token: TOKEN,
            hello: true,
            protocol: 'tocsin.v1',
          },
          TIMEOUT_MS,
        ),
      );
    }
    await Promise.all(clients.map((c) => c.ready));
    const mbPerConsole = gateways.map((g, i) => (rssMb(g.process.child.pid!) - before[i]!) / share(i));
    const started = Date.now();
    for (let i = 0; i < EVENTS; i += 100) {
      const batch = Array.from({ length: Math.min(100, EVENTS - i) }, (_, j) => benchEvent(i + j, { alerts: 5_000 }));
      const response = await fetch(`http://127.0.0.1:${gateways[0]!.port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(batch),
      });
      if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}`);
    }
    const finished = Math.max(...(await Promise.all(clients.map((c) => c.done))));
    return { rate: (EVENTS * CONSOLES) / ((finished - started) / 1000), mbPerConsole };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await Promise.all(gateways.map((g) => g.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const nats = await startNats(1);
try {
  const one = await run(nats.servers, 'FANOUT1', 1);
  const three = await run(nats.servers, 'FANOUT3', 3);
  const mb = (values: number[]) => values.map((v) => `${(v * 1024).toFixed(0)} KB`).join(', ');
  console.log(`${CONSOLES} consoles, ${EVENTS} events posted to the first gateway, one nats-server`);
  console.log(
    `  one gateway      ${Math.round(one.rate).toLocaleString('en')} deliveries/s; memory per console ${mb(one.mbPerConsole)}`,
  );
  console.log(
    `  three gateways   ${Math.round(three.rate).toLocaleString('en')} deliveries/s; memory per console ${mb(three.mbPerConsole)}`,
  );
  console.log(
    `  ratio three / one: ${(three.rate / one.rate).toFixed(2)} (2 cores here: three gateway processes share them)`,
  );
} finally {
  await nats.stop();
}
