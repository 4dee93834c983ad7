/**
 * Real Prometheus, Alertmanager and node_exporter for tests, on free loopback ports with
 * temporary directories:
 *
 * - node_exporter with the textfile collector, so a test can raise and clear a condition
 *   (`setCondition`) that a real Prometheus rule alerts on;
 * - Prometheus scraping it every second and evaluating `TocsinTestCondition`
 *   (`tocsin_test_condition > 0`, labelled severity=critical, category=outage) every second,
 *   resending active alerts every second, and sending them to
 * - Alertmanager (group_wait 0s, group_interval 1s, repeat_interval 2s) whose only receiver
 *   is a webhook to the gateway's /v1/alertmanager with a bearer token.
 *
 * Configurations are checked with `promtool check config` and `amtool check-config` before
 * anything starts; readiness is each program's /-/ready (node_exporter: /metrics). `stop()`
 * always stops all three (SIGTERM, then SIGKILL; awaits exit), and a process-exit hook kills
 * anything a crashed test left behind. Also here: `FeedProbe`, a raw protocol client that
 * records every frame the gateway sends with its arrival time.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SUBPROTOCOL, type ServerFrame } from '../../common/protocol/frames.js';
import { startProcess, type Started } from './processes.js';

export const RULE_ALERT = 'TocsinTestCondition';

export type MonitoringPorts = { nodeExporter: number; prometheus: number; alertmanager: number };

export type RealMonitoringOptions = {
  /** Where Alertmanager delivers (the gateway's /v1/alertmanager); without it, no Alertmanager is started. */
  webhook?: { url: string; token: string };
  /** Ports chosen beforehand (e.g. so the gateway can be configured with the URLs first). */
  ports?: Partial<MonitoringPorts>;
  /** The initial value of tocsin_test_condition (> 0 fires the rule). */
  condition?: number;
  repeatInterval?: string;
};

export type RealMonitoring = {
  dir: string;
  ports: MonitoringPorts;
  nodeExporterUrl: string;
  prometheusUrl: string;
  /** Undefined when started without a webhook. */
  alertmanagerUrl: string | undefined;
  /** The `instance` label Prometheus gives node_exporter's series. */
  nodeExporterInstance: string;
  /** Set tocsin_test_condition (atomically; the next scrape sees it). */
  setCondition(value: number): void;
  /** Run a PromQL query against the real Prometheus. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Milliseconds each program took to become ready. */
  startup: Record<string, number>;
  stop(): Promise<void>;
};

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function freeMonitoringPorts(): Promise<MonitoringPorts> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [nodeExporter, prometheus, alertmanager] = [...ports] as [number, number, number];
  return { nodeExporter, prometheus, alertmanager };
}

const leftovers = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(started: Started): Started {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of leftovers) child.kill('SIGKILL');
    });
  }
  leftovers.add(started.child);
  started.child.once('exit', () => leftovers.delete(started.child));
  return started;
}

function check(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

async function waitReady(url: string, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} was not ready at ${url} within ${timeoutMs} ms (${last})`);
}

const yamlString = (text: string) => JSON.stringify(text); // JSON strings are YAML strings

/** Start node_exporter, Prometheus and (with a webhook) Alertmanager. */
export async function startRealMonitoring(options: RealMonitoringOptions = {}): Promise<RealMonitoring> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-monitoring-'));
  const ports = { ...(await freeMonitoringPorts()), ...options.ports };
  const textfileDir = join(dir, 'textfile');
  mkdirSync(textfileDir);
  const setCondition = (value: number) => {
    const file = join(textfileDir, 'tocsin.prom');
    writeFileSync(
      `${file}.tmp`,
      `# HELP tocsin_test_condition A condition the Tocsin tests raise and clear.\n# TYPE tocsin_test_condition gauge\ntocsin_test_condition ${value}\n`,
    );
    renameSync(`${file}.tmp`, file);
  };
  setCondition(options.condition ?? 0);

  const withAlertmanager = options.webhook !== undefined;
  const rules = join(dir, 'rules.yml');
  writeFileSync(
    rules,
    `groups:
  - name: tocsin-test
    interval: 1s
    rules:
      - alert: ${RULE_ALERT}
        expr: tocsin_test_condition > 0
        labels:
          severity: critical
          category: outage
        annotations:
          summary: "Tocsin test condition on {{ $labels.instance }}"
          description: "tocsin_test_condition is {{ $value }} on {{ $labels.instance }}"
`,
  );
  const prometheusConfig = join(dir, 'prometheus.yml');
  writeFileSync(
    prometheusConfig,
    `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
  - ${yamlString(rules)}
${withAlertmanager ? `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ["127.0.0.1:${ports.alertmanager}"]\n` : ''}scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:${ports.nodeExporter}"]
`,
  );
  check('promtool', ['check', 'config', prometheusConfig]);

  let alertmanagerConfig: string | undefined;
  if (options.webhook) {
    alertmanagerConfig = join(dir, 'alertmanager.yml');
    writeFileSync(
      alertmanagerConfig,
      `route:
  receiver: tocsin
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: ${options.repeatInterval ?? '2s'}
receivers:
  - name: tocsin
    webhook_configs:
      - url: ${yamlString(options.webhook.url)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${yamlString(options.webhook.token)}
`,
    );
    check('amtool', ['check-config', alertmanagerConfig]);
  }

  const started: Started[] = [];
  const startup: Record<string, number> = {};
  const stop = async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let t0 = Date.now();
    started.push(
      track(
        await startProcess(
          'prometheus-node-exporter',
          [
            `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
            '--collector.disable-defaults',
            '--collector.textfile',
            `--collector.textfile.directory=${textfileDir}`,
            '--collector.meminfo',
            '--collector.loadavg',
            '--collector.cpu',
          ],
          /msg="Listening on"/,
        ),
      ),
    );
    await waitReady(`http://127.0.0.1:${ports.nodeExporter}/metrics`, 'node_exporter');
    startup.nodeExporter = Date.now() - t0;

    if (alertmanagerConfig) {
      t0 = Date.now();
      mkdirSync(join(dir, 'alertmanager'));
      started.push(
        track(
          await startProcess(
            'prometheus-alertmanager',
            [
              `--config.file=${alertmanagerConfig}`,
              `--storage.path=${join(dir, 'alertmanager')}`,
              `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
              '--cluster.listen-address=',
            ],
            /msg="Listening on"/,
          ),
        ),
      );
      await waitReady(`http://127.0.0.1:${ports.alertmanager}/-/ready`, 'alertmanager');
      startup.alertmanager = Date.now() - t0;
    }

    t0 = Date.now();
    mkdirSync(join(dir, 'prometheus'));
    started.push(
      track(
        await startProcess(
          'prometheus',
          [
            `--config.file=${prometheusConfig}`,
            `--storage.tsdb.path=${join(dir, 'prometheus')}`,
            `--web.listen-address=127.0.0.1:${ports.prometheus}`,
            '--rules.alert.resend-delay=1s',
          ],
          /ready to receive web requests/,
        ),
      ),
    );
    await waitReady(`http://127.0.0.1:${ports.prometheus}/-/ready`, 'prometheus');
    startup.prometheus = Date.now() - t0;
  } catch (error) {
    await stop();
    throw error;
  }

  const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
  return {
    dir,
    ports,
    nodeExporterUrl: `http://127.0.0.1:${ports.nodeExporter}`,
    prometheusUrl,
    alertmanagerUrl: alertmanagerConfig ? `http://127.0.0.1:${ports.alertmanager}` : undefined,
    nodeExporterInstance: `127.0.0.1:${ports.nodeExporter}`,
    setCondition,
    query: async (promql) => {
      const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      const body = (await response.json()) as {
        data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      return body.data?.result ?? [];
    },
    startup,
    stop,
  };
}

type EventFrame = Extract<ServerFrame, { type: 'event' }>;
export type Received = { at: number; frame: ServerFrame };

/** A raw protocol client: hello from `resume`, then records every frame with its arrival time. */
export class FeedProbe {
  readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push({ at: Date.now(), frame: JSON.parse(data.toString()) as ServerFrame });
      for (const wake of this.waiters) wake();
    });
  }

  static async open(url: string, token: string, resume = 0): Promise<FeedProbe> {
    const ws = new WebSocket(url, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` } });
    const probe = new FeedProbe(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    });
    ws.send(
      JSON.stringify({ type: 'hello', v: 1, client: { name: 'feed-probe', version: '0' }, resume: { alerts: resume } }),
    );
    await probe.waitFor((r) => r.frame.type === 'live', 5_000, 'live');
    return probe;
  }

  events(): Array<Received & { frame: EventFrame }> {
    return this.received.filter((r): r is Received & { frame: EventFrame } => r.frame.type === 'event');
  }

  /** Resolve with the first received frame that matches (already received or arriving later). */
  waitFor(match: (received: Received) => boolean, timeoutMs: number, what = 'a matching frame'): Promise<Received> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(
            `feed probe: no ${what} within ${timeoutMs} ms; got ${this.received.map((r) => (r.frame.type === 'event' ? `event:${r.frame.event.kind}` : r.frame.type)).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const wake = () => {
        const hit = this.received.find(match);
        if (!hit) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(hit);
      };
      this.waiters.add(wake);
    });
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
