/**
 * The settings schema and its field-by-field validation. Runtime-neutral (no Node APIs): the
 * api contract, and so the renderer, use it too. File I/O is in settings.ts.
 */
import { z } from 'zod';
import { NotificationSettingsSchema } from '../notify/settings.js';
import { describeZodIssue } from '../zod-issue.js';

export const FeedSettingSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(128),
  url: z.string().regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'a ws:// or wss:// URL'),
  token: z.string().min(16, 'at least 16 characters'),
  /** PEM of a custom CA for wss. */
  ca: z
    .string()
    .max(65_536)
    .regex(
      /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/,
      'a PEM certificate (-----BEGIN CERTIFICATE----- …)',
    )
    .optional(),
  /** Base64 SHA-256 of the gateway's public key (SPKI); the connection fails if it differs. */
  pin: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'a base64 SHA-256 (44 characters)')
    .optional(),
});

export const SettingsSchema = z.object({
  /** Empty: the embedded demo gateway. */
  feeds: z.array(FeedSettingSchema).max(32).default([]),
  notifications: NotificationSettingsSchema.default(NotificationSettingsSchema.parse({})),
  /** Retention: firing alerts are always kept; resolved ones older than this, or past the size, go. */
  history: z
    .object({ maxAgeDays: z.number().int().min(1).max(3650), maxMegabytes: z.number().int().min(50).max(1_000_000) })
    .default({ maxAgeDays: 365, maxMegabytes: 2048 }),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  startAtLogin: z.boolean().default(false),
  closeToTray: z.boolean().default(true),
});
export type Settings = z.output<typeof SettingsSchema>;
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

export type LoadedSettings = { settings: Settings; problems: string[] };

/** Validate an object field by field: what is valid is kept, each problem is named. */
export function settingsFrom(value: unknown, where: string): LoadedSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { settings: DEFAULT_SETTINGS, problems: [`${where}: expected a JSON object; using the defaults`] };
  }
  const problems: string[] = [];
  const input = value as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, raw] of Object.entries(input)) {
    const field = SettingsSchema.shape[key as keyof Settings];
    if (!field) {
      problems.push(`${where}: unknown setting "${key}" ignored`);
      continue;
    }
    const parsed = field.safeParse(raw);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(`${where}: ${describeZodIssue(parsed.error, key, key)}; using the default`);
  }
  return { settings: settings as Settings, problems };
}

/** Field errors of a candidate, keyed by dotted path; empty when it is valid. */
export function settingsErrors(candidate: unknown): Record<string, string> {
  const parsed = SettingsSchema.safeParse(candidate);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.') || '(settings)', issue.message]));
}
