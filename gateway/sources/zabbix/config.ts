/**
 * `zabbix` in the gateway configuration (optional): problems from the Tocsin media type
 * (deploy/zabbix/media_tocsin.yaml) at `POST /v1/zabbix`, and acknowledgements sent back
 * through Zabbix's API (`event.acknowledge`) when `url` and `apiToken` are set.
 */
import { z } from 'zod';
import { DEFAULT_CATEGORY_PATTERNS, LabelMappingSchema } from '../alertmanager/mapping.js';

/** Zabbix's severity names are the values: Disaster, High, Average, Warning, Information. */
export const ZABBIX_MAPPING_DEFAULTS = {
  severity: { critical: ['disaster'], high: ['high'], warning: ['average', 'warning'] },
  // Zabbix's templates name availability problems "… is not available", "… has been restarted", "No data …".
  categoryPatterns: [
    { pattern: 'not available|no data|unreachable', category: 'outage' as const },
    ...DEFAULT_CATEGORY_PATTERNS,
  ],
};

export const ZabbixConfigSchema = z.strictObject({
  /** Bearer tokens the media type presents (its tocsin_token). Absent: the gateway's own `tokens`. */
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
  /** The frontend's base URL (where api_jsonrpc.php is); absent: acks stay in Tocsin. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** A Zabbix API token of a user allowed to acknowledge the hosts' problems. */
  apiToken: z.string().min(1).optional(),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  mapping: LabelMappingSchema.prefault(ZABBIX_MAPPING_DEFAULTS),
});
export type ZabbixConfig = z.output<typeof ZabbixConfigSchema>;
