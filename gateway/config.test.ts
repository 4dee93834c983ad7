import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, parseGatewayConfig } from './config.js';

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tocsin-config-')), 'gateway.json');
  writeFileSync(path, content);
  return path;
};
const minimal = { tokens: ['a-token-of-sixteen-chars'], journal: { path: 'j.sqlite' } };

describe('gateway configuration', () => {
  it('fills in defaults for everything but the tokens and the journal path', () => {
    expect(parseGatewayConfig(minimal)).toMatchObject({
      listen: { host: '127.0.0.1', port: 7420 },
      allowedOrigins: [],
      heartbeatMs: 10_000,
      journal: { maxEvents: 1_000_000, maxAgeMs: 604_800_000 },
      limits: { softBufferBytes: 1_048_576, maxBufferBytes: 4_194_304, maxFramesPerSecond: 200, maxInvalidFrames: 100 },
      demo: { enabled: false, hosts: 20, stormPerMinute: 0 },
    });
  });

  it('fills in the HTTP edge limits, keeps those given, and refuses a headers timeout longer than the request timeout', () => {
    expect(parseGatewayConfig(minimal).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 256,
      maxPendingUpgrades: 128,
      upgradeTimeoutMs: 10_000,
    });
    expect(parseGatewayConfig({ ...minimal, http: { maxConnectionsPerAddress: 8 } }).http).toMatchObject({
      maxConnectionsPerAddress: 8,
      maxConnections: 10_000,
    });
    expect(() => parseGatewayConfig({ ...minimal, http: { headersTimeoutMs: 40_000 } })).toThrow(
      'http.headersTimeoutMs: headersTimeoutMs must not exceed requestTimeoutMs',
    );
    expect(() => parseGatewayConfig({ ...minimal, http: { maxConections: 5 } })).toThrow(/maxConections/);
  });

  it('names the file and the field that is wrong', async () => {
    const bad = file(JSON.stringify({ ...minimal, listen: { port: 'eighty' } }));
    await expect(loadGatewayConfig(bad)).rejects.toThrow(
      `${bad}: listen.port: Invalid input: expected number, received string`,
    );
    await expect(loadGatewayConfig(file(JSON.stringify({ journal: { path: 'j' } })))).rejects.toThrow(/: tokens: /);
    await expect(loadGatewayConfig(file(JSON.stringify({ ...minimal, tokens: ['short'] })))).rejects.toThrow(
      /tokens\.0: tokens must be at least 16 characters/,
    );
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    expect(() => parseGatewayConfig({ ...minimal, heartbeatMS: 500 })).toThrow(/heartbeatMS/);
    expect(() => parseGatewayConfig({ ...minimal, demo: { enabeld: true } })).toThrow(/demo: .*enabeld/);
  });

  it('refuses unknown keys inside the alertmanager and prometheus sections too', () => {
    expect(() => parseGatewayConfig({ ...minimal, alertmanager: { silence: {} } })).toThrow(/alertmanager: .*silence/);
    expect(() => parseGatewayConfig({ ...minimal, alertmanager: { silences: { statepath: 'x' } } })).toThrow(
      /alertmanager\.silences: .*statepath/,
    );
    expect(() => parseGatewayConfig({ ...minimal, alertmanager: { mapping: { severty: [] } } })).toThrow(
      /alertmanager\.mapping: .*severty/,
    );
    expect(() =>
      parseGatewayConfig({
        ...minimal,
        prometheus: { url: 'http://127.0.0.1:9090', queries: [{ name: 'up', promql: 'up', every: 5 }] },
      }),
    ).toThrow(/prometheus\.queries\.0: .*every/);
  });

  it('says when the file is missing or not JSON', async () => {
    await expect(loadGatewayConfig('/nonexistent/gateway.json')).rejects.toThrow(
      /cannot read gateway configuration \/nonexistent\/gateway.json/,
    );
    const notJson = file('{ "tokens": [');
    await expect(loadGatewayConfig(notJson)).rejects.toThrow(`${notJson} is not valid JSON`);
  });

  it('resolves the journal and TLS paths against the configuration file', async () => {
    const path = file(JSON.stringify({ ...minimal, tls: { certFile: 'tls/cert.pem', keyFile: '/etc/key.pem' } }));
    const config = await loadGatewayConfig(path);
    const dir = path.slice(0, -'/gateway.json'.length);
    expect(config.journal.path).toBe(join(dir, 'j.sqlite'));
    expect(config.tls).toEqual({ certFile: join(dir, 'tls/cert.pem'), keyFile: '/etc/key.pem' });
  });

  it('resolves the Alertmanager silences state path against the configuration file', async () => {
    const path = file(
      JSON.stringify({ ...minimal, alertmanager: { silences: { statePath: 'state/silences.sqlite' } } }),
    );
    const config = await loadGatewayConfig(path);
    expect(config.alertmanager?.silences.statePath).toBe(
      join(path.slice(0, -'/gateway.json'.length), 'state/silences.sqlite'),
    );
  });

  it("takes the monitors' sections with their defaults, and names the field a bad one gets wrong", async () => {
    const icinga = { url: 'https://icinga.example:5665', username: 'tocsin', password: 'pw', caFile: 'icinga/ca.crt' };
    const path = file(
      JSON.stringify({
        ...minimal,
        icinga,
        nagios: {},
        zabbix: {},
        grafana: {},
        heartbeats: { backup: { intervalMs: 60_000 } },
      }),
    );
    const config = await loadGatewayConfig(path);
    expect(config.icinga).toMatchObject({
      queue: 'tocsin',
      hardStatesOnly: true,
      caFile: join(path.slice(0, -'/gateway.json'.length), 'icinga/ca.crt'),
    });
    expect(config.icinga?.mapping.severity.critical).toEqual(['critical', 'down']);
    expect(config.zabbix?.mapping.severity.critical).toEqual(['disaster']);
    expect(config.nagios?.stickyAcks).toBe(true);
    expect(() => parseGatewayConfig({ ...minimal, icinga: { ...icinga, url: 'http://icinga.example:5665' } })).toThrow(
      /icinga\.url/,
    );
    expect(() => parseGatewayConfig({ ...minimal, heartbeats: { backup: { intervalMs: 10 } } })).toThrow(
      /heartbeats\.backup\.intervalMs/,
    );
    expect(() => parseGatewayConfig({ ...minimal, webhooks: { ci: { fields: { id: 'id' } } } })).toThrow(
      /webhooks\.ci\.fields\.title/,
    );
  });

  it('accepts the example configurations', async () => {
    await expect(loadGatewayConfig(join(import.meta.dirname, 'examples/gateway.json'))).resolves.toMatchObject({
      demo: { enabled: true },
    });
    const monitoring = await loadGatewayConfig(join(import.meta.dirname, 'examples/monitoring.json'));
    expect(monitoring.alertmanager?.mapping.categoryPatterns[0]).toEqual({
      pattern: 'ssh|brute|login|privilege|malware|intrusion',
      category: 'security',
    });
    expect(monitoring.prometheus?.queries.map((q) => q.name)).toEqual([
      'cpu',
      'memory',
      'requests',
      'latency_p95',
      'error_rate',
    ]);
    expect(monitoring.tls?.certFile).toBe(join(import.meta.dirname, 'examples/tls/gateway.crt'));
    const monitors = await loadGatewayConfig(join(import.meta.dirname, 'examples/monitors.json'));
    expect(Object.keys(monitors.heartbeats ?? {})).toEqual(['nagios', 'backup']);
    expect(monitors.icinga?.caFile).toBe(join(import.meta.dirname, 'examples/icinga/ca.crt'));
    expect([monitors.nagios?.commandFile, monitors.zabbix?.url, monitors.grafana?.heartbeat?.alertname]).toEqual([
      '/var/lib/nagios4/rw/nagios.cmd',
      'https://zabbix.example.com',
      'Watchdog',
    ]);
  });

  it('takes a jetstream journal, and names the field a bad one gets wrong', () => {
    const jetstream = { kind: 'jetstream', servers: ['nats://127.0.0.1:4222'], stream: 'TOCSIN' };
    expect(parseGatewayConfig({ ...minimal, journal: jetstream }).journal).toMatchObject({
      kind: 'jetstream',
      replicas: 1,
      duplicateWindowMs: 120_000,
    });
    expect(() => parseGatewayConfig({ ...minimal, journal: { kind: 'jetstream', stream: 'T' } })).toThrow(
      /journal.servers: a jetstream journal needs its NATS servers/,
    );
    expect(() => parseGatewayConfig({ ...minimal, journal: { ...jetstream, stream: 'a.b' } })).toThrow(
      /journal.stream: letters, digits/,
    );
    expect(() => parseGatewayConfig({ ...minimal, journal: { ...jetstream, replicas: 7 } })).toThrow(
      /journal.replicas/,
    );
    expect(() => parseGatewayConfig({ ...minimal, journal: { ...jetstream, maxAgeMs: 1e15 } })).toThrow(
      /journal.maxAgeMs: at most 100 years for a jetstream journal/,
    );
    // Escalation runs in a cluster too (its steps through the shared ledger, cluster-escalation.ts).
    expect(
      parseGatewayConfig({ ...minimal, journal: jetstream, escalation: { publicUrl: 'https://t.example' } }).escalation,
    ).toEqual({ publicUrl: 'https://t.example' });
    expect(() => parseGatewayConfig({ ...minimal, journal: { path: 'j', servers: ['nats://x'] } })).toThrow(
      /journal.servers: only for a journal of kind "jetstream"/,
    );
    expect(() => parseGatewayConfig({ ...minimal, journal: {} })).toThrow(
      /journal.path: a sqlite journal needs a path/,
    );
  });
});
