/**
 * `nagios` in the gateway configuration (optional): notifications posted by
 * deploy/nagios/tocsin-notify to `POST /v1/nagios`, and acknowledgements written back to
 * Nagios's external command file when the gateway runs on Nagios's host.
 */
import { z } from 'zod';
import { LabelMappingSchema } from '../alertmanager/mapping.js';

/** Nagios's state names are the severity values (as for Icinga 2). */
export const NAGIOS_MAPPING_DEFAULTS = {
  severityLabels: ['severity', 'state'],
  severity: { critical: ['critical', 'down'], high: ['unknown', 'unreachable'], warning: ['warning'] },
};

export const NagiosConfigSchema = z.strictObject({
  /** Bearer tokens the notification command presents. Absent: the gateway's own `tokens`. */
  tokens: z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1).optional(),
  /** Nagios's external command file (`command_file` in nagios.cfg); absent: acks stay in Tocsin. */
  commandFile: z.string().optional(),
  /** The comment of an acknowledgement made in Tocsin without one. */
  ackComment: z.string().min(1).max(1024).default('Acknowledged in Tocsin'),
  /** Sticky acknowledgements last until the object is OK again, not only until its next state change. */
  stickyAcks: z.boolean().default(true),
  mapping: LabelMappingSchema.prefault(NAGIOS_MAPPING_DEFAULTS),
});
export type NagiosConfig = z.output<typeof NagiosConfigSchema>;
