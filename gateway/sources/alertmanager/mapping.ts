/**
 * From Alertmanager labels to Tocsin's severity and category. The mapping is configuration
 * (`alertmanager.mapping` in the gateway file) with these defaults, documented in
 * docs/sources.md:
 *
 * - severity: the first of `severityLabels` present (default `severity`, then `priority`),
 *   compared case-insensitively: critical/page → critical, error/high → high,
 *   warning/warn → warning, anything else (or no label) → info;
 * - category: a `category` label naming a Tocsin category, else the first `categoryPatterns`
 *   regular expression that matches the alertname, else `other`.
 */
import { z } from 'zod';
import {
  CATEGORIES,
  CategorySchema,
  SEVERITIES,
  type Category,
  type Severity,
} from '../../../common/protocol/alert.js';

const PatternSchema = z.strictObject({
  /** A JavaScript regular expression (case-insensitive) tested against the alertname. */
  pattern: z
    .string()
    .min(1)
    .refine((source) => {
      try {
        new RegExp(source, 'i');
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  category: CategorySchema,
});

export const DEFAULT_SEVERITY_VALUES = {
  critical: ['critical', 'page'],
  high: ['error', 'high'],
  warning: ['warning', 'warn'],
};

export const DEFAULT_CATEGORY_PATTERNS: Array<z.input<typeof PatternSchema>> = [
  { pattern: 'security|intrusion|brute|ssh|login|auth|malware|privilege|cve|breach', category: 'security' },
  { pattern: 'down|unreachable|unavailable|outage|absent|crash|fail|error', category: 'outage' },
  { pattern: 'disk|filesystem|space|full|inode|quota|capacity|memory|oom', category: 'capacity' },
  { pattern: 'latency|slow|cpu|load|saturat|throttl|queue|lag', category: 'performance' },
];

export const LabelMappingSchema = z.strictObject({
  /** Labels read for the severity, first present wins. */
  severityLabels: z.array(z.string().min(1)).min(1).default(['severity', 'priority']),
  /** Label values (case-insensitive) for each Tocsin severity above info. */
  severity: z
    .object({
      critical: z.array(z.string()).default(DEFAULT_SEVERITY_VALUES.critical),
      high: z.array(z.string()).default(DEFAULT_SEVERITY_VALUES.high),
      warning: z.array(z.string()).default(DEFAULT_SEVERITY_VALUES.warning),
    })
    .prefault({}),
  /** Severity when no label value matches. */
  defaultSeverity: z.enum(SEVERITIES).default('info'),
  /** A label whose value, if it names a category, is used as is. */
  categoryLabel: z.string().min(1).default('category'),
  /** Tried in order against the alertname when the category label does not decide. */
  categoryPatterns: z.array(PatternSchema).default(DEFAULT_CATEGORY_PATTERNS),
  defaultCategory: CategorySchema.default('other'),
});
export type LabelMapping = z.output<typeof LabelMappingSchema>;
export type LabelMappingInput = z.input<typeof LabelMappingSchema>;

/** A compiled mapping: two functions of an alert's labels. */
export type Mapper = {
  severity(labels: Record<string, string>): Severity;
  category(labels: Record<string, string>): Category;
};

export function compileMapping(mapping: LabelMapping): Mapper {
  const severityByValue = new Map<string, Severity>();
  // Most severe last so it wins if a value is listed twice.
  for (const severity of ['warning', 'high', 'critical'] as const) {
    for (const value of mapping.severity[severity]) severityByValue.set(value.toLowerCase(), severity);
  }
  const patterns = mapping.categoryPatterns.map(({ pattern, category }) => ({
    regex: new RegExp(pattern, 'i'),
    category,
  }));
  return {
    severity(labels) {
      for (const name of mapping.severityLabels) {
        const value = labels[name];
        if (value !== undefined) return severityByValue.get(value.trim().toLowerCase()) ?? mapping.defaultSeverity;
      }
      return mapping.defaultSeverity;
    },
    category(labels) {
      const labelled = labels[mapping.categoryLabel]?.trim().toLowerCase();
      if (labelled && (CATEGORIES as readonly string[]).includes(labelled)) return labelled as Category;
      const alertname = labels.alertname ?? '';
      return patterns.find(({ regex }) => regex.test(alertname))?.category ?? mapping.defaultCategory;
    },
  };
}
