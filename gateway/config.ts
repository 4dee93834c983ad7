/**
 * The gateway's configuration: one zod schema with defaults. A bad file fails with the field
 * and the file named, before anything starts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AlertmanagerConfigSchema } from './sources/alertmanager/config.js';
import { PrometheusConfigSchema } from './sources/prometheus/config.js';
import { WebhooksConfigSchema } from './sources/webhook/config.js';
import { HeartbeatsConfigSchema } from './sources/heartbeat/install.js';
import { GrafanaConfigSchema } from './sources/grafana/config.js';
import { IcingaConfigSchema } from './sources/icinga/config.js';
import { NagiosConfigSchema } from './sources/nagios/config.js';
import { ZabbixConfigSchema } from './sources/zabbix/config.js';
import { describeZodIssue } from '../common/zod-issue.js';
import { errorMessage } from '../common/protocol/bounded-json.js';
import { JournalConfigSchema } from './journal/journal-config.js';
import { PeopleConfigSchema, refineIdentity, TeamsConfigSchema } from './identity/config.js';

const HTTP_DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 256,
  maxPendingUpgrades: 128,
  upgradeTimeoutMs: 10_000,
};

/** Unknown keys are refused (a misspelt `heartbeatMS` must not be silently ignored). */
export const GatewayConfigSchema = z
  .strictObject({
    name: z.string().default('tocsin-gateway'),
    listen: z
      .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(7420) })
      .default({ host: '127.0.0.1', port: 7420 }),
    /** Bearer tokens accepted from consoles (and from scripts posting events). */
    tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1),
    /** Browser origins allowed to open a feed; none by default. */
    allowedOrigins: z.array(z.string()).default([]),
    tls: z.strictObject({ certFile: z.string(), keyFile: z.string() }).optional(),
    /** A SQLite file (the default), or a JetStream stream shared by a cluster (docs/cluster.md). */
    journal: JournalConfigSchema,
    heartbeatMs: z.number().int().min(100).default(10_000),
    limits: z
      .strictObject({
        helloTimeoutMs: z.number().int().positive().default(10_000),
        softBufferBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        /** A console with more than this waiting in its socket is closed at once (4002); at least soft + 1 MiB. */
        maxBufferBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        stallTimeoutMs: z.number().int().positive().default(30_000),
        maxFramesPerSecond: z.number().int().positive().default(200),
        maxInvalidFrames: z.number().int().nonnegative().default(100),
      })
      .default({
        helloTimeoutMs: 10_000,
        softBufferBytes: 1024 * 1024,
        maxBufferBytes: 4 * 1024 * 1024,
        stallTimeoutMs: 30_000,
        maxFramesPerSecond: 200,
        maxInvalidFrames: 100,
      }),
    /**
     * The HTTP edge (gateway/server/http-edge.ts). A real client sends its headers in one packet,
     * so 10 s is generous for a slow link while cutting a slow-loris six times sooner than
     * Node's 60 s; 30 s for a whole request lets the largest `POST /v1/events` body (1 MiB)
     * arrive at about 35 KB/s. 10,000 connections in all stays well under a raised descriptor
     * limit; 256 from one address lets a NAT'd room of consoles in while one host holds at most
     * 2.5 % of the total. Handshakes complete within a turn of the event loop, so 128 waiting
     * upgrades only ever fill up under attack.
     */
    http: z
      .strictObject({
        headersTimeoutMs: z.number().int().min(100).default(10_000),
        requestTimeoutMs: z.number().int().min(100).default(30_000),
        /** Node's own default: a script posting events reuses its connection for this long. */
        keepAliveTimeoutMs: z.number().int().min(100).default(5_000),
        maxConnections: z.number().int().positive().default(10_000),
        maxConnectionsPerAddress: z.number().int().positive().default(256),
        maxPendingUpgrades: z.number().int().positive().default(128),
        upgradeTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .refine((http) => http.headersTimeoutMs <= http.requestTimeoutMs, {
        message: 'headersTimeoutMs must not exceed requestTimeoutMs',
        path: ['headersTimeoutMs'],
      })
      .default(HTTP_DEFAULTS),
    demo: z
      .strictObject({
        enabled: z.boolean().default(false),
        hosts: z.number().int().min(1).max(500).default(20),
        /** Alerts per minute in storm mode; 0 is the calm default. */
        stormPerMinute: z.number().int().min(0).max(1_000_000).default(0),
        seed: z.number().int().optional(),
      })
      .default({ enabled: false, hosts: 20, stormPerMinute: 0 }),
    /** Alertmanager webhook receiver and silences (docs/sources.md). */
    alertmanager: AlertmanagerConfigSchema.optional(),
    /** PromQL queries polled for the dashboards (docs/sources.md). */
    prometheus: PrometheusConfigSchema.optional(),
    /** JSON webhooks mapped to alerts by JSONata expressions, each at POST /v1/webhooks/<name> (docs/sources.md). */
    webhooks: WebhooksConfigSchema.optional(),
    /** Heartbeats posted to POST /v1/heartbeats/<name>: silent past their interval → a critical alert. */
    heartbeats: HeartbeatsConfigSchema.optional(),
    /** Grafana-managed alerts from its webhook contact point at POST /v1/grafana (docs/sources.md). */
    grafana: GrafanaConfigSchema.optional(),
    /** Icinga 2's API event stream, with acknowledgements both ways (docs/sources.md). */
    icinga: IcingaConfigSchema.optional(),
    /** Nagios Core notifications from deploy/nagios/tocsin-notify, acks to its command file (docs/sources.md). */
    nagios: NagiosConfigSchema.optional(),
    /** Zabbix problems from the Tocsin media type (deploy/zabbix), acks through its API (docs/sources.md). */
    zabbix: ZabbixConfigSchema.optional(),
    /** People and their device tokens: actions are attributed to them, presence is kept per person. */
    people: PeopleConfigSchema.optional(),
    /** Named groups of people, for escalation policies. */
    teams: TeamsConfigSchema.optional(),
    /**
     * Escalation policies, channels and links (docs/escalation.md). Validated when the gateway
     * starts, against its people and teams; errors name the field as here.
     */
    escalation: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine(refineIdentity);
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

/** Parse a configuration object; the error names the field. */
export function parseGatewayConfig(input: unknown, where = 'gateway configuration'): GatewayConfig {
  const parsed = GatewayConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(`${where}: ${describeZodIssue(parsed.error)}`);
}

/** Read and parse a JSON configuration file. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read gateway configuration ${file}: ${errorMessage(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${errorMessage(error)}`);
  }
  const config = parseGatewayConfig(json, file);
  // Paths in a file are relative to that file, not to wherever the gateway was started from.
  const base = dirname(resolve(file));
  return {
    ...config,
    journal: {
      ...config.journal,
      ...(config.journal.path === undefined || config.journal.path === ':memory:'
        ? {}
        : { path: resolve(base, config.journal.path) }),
      ...(config.journal.credentials === undefined ? {} : { credentials: resolve(base, config.journal.credentials) }),
      ...(config.journal.tls === undefined
        ? {}
        : {
            tls: Object.fromEntries(
              Object.entries(config.journal.tls).map(([key, value]) => [key, value && resolve(base, value)]),
            ),
          }),
    },
    ...(config.tls
      ? { tls: { certFile: resolve(base, config.tls.certFile), keyFile: resolve(base, config.tls.keyFile) } }
      : {}),
    ...(config.icinga?.caFile !== undefined
      ? { icinga: { ...config.icinga, caFile: resolve(base, config.icinga.caFile) } }
      : {}),
    ...(config.alertmanager?.silences.statePath !== undefined
      ? {
          alertmanager: {
            ...config.alertmanager,
            silences: {
              ...config.alertmanager.silences,
              statePath: resolve(base, config.alertmanager.silences.statePath),
            },
          },
        }
      : {}),
  };
}
