/**
 * The escalation section of the gateway configuration: where links point, how mail is sent,
 * and the policies (which alerts escalate, to whom, when and how). Strict: a misspelt field is
 * an error naming it, and so is a policy naming a person or team the directory does not know.
 */
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../common/protocol/alert.js';
import { fail, ok, type Result } from '../../common/result.js';
import { describeZodIssue } from '../../common/zod-issue.js';
import type { Directory } from './directory.js';

const MINUTE = 60_000;

const StepSchema = z.strictObject({
  /** Ms after the alert fired, or after the previous step's due time with `afterPrevious`. */
  after: z.number().int().nonnegative(),
  afterPrevious: z.boolean().default(false),
  /** Person or team ids; a team is its members. */
  notify: z.array(z.string().min(1)).min(1),
  via: z.array(z.enum(['push', 'email', 'webhook'])).min(1),
  /** Skip people watching a console when the step falls due. */
  onlyWhenAway: z.boolean().default(false),
  /** Due at once (not after `after`) when, as the alert fires, nobody the step notifies is watching. */
  atOnceWhenUnwatched: z.boolean().default(false),
});

const MatchSchema = z.strictObject({
  severities: z.array(SeveritySchema).min(1).optional(),
  categories: z.array(CategorySchema).min(1).optional(),
  sources: z.array(z.string().min(1)).min(1).optional(),
  /** Every label given must be present with this value. */
  labels: z.record(z.string(), z.string()).optional(),
});

/** Critical security and outage alerts: what a policy matches unless it says otherwise. */
export const DEFAULT_MATCH = { severities: ['critical'], categories: ['security', 'outage'] } as const;

/** The default ladder for a team: Web Push and e-mail after 5 minutes unacknowledged (at once when nobody on it is watching), the webhook after 15. */
export function defaultSteps(team: string): EscalationStep[] {
  return [
    {
      after: 5 * MINUTE,
      afterPrevious: false,
      notify: [team],
      via: ['push', 'email'],
      onlyWhenAway: false,
      atOnceWhenUnwatched: true,
    },
    {
      after: 15 * MINUTE,
      afterPrevious: false,
      notify: [team],
      via: ['webhook'],
      onlyWhenAway: false,
      atOnceWhenUnwatched: false,
    },
  ];
}

const PolicySchema = z
  .strictObject({
    name: z.string().min(1).max(128),
    /** The team the default ladder notifies when `steps` is not given. */
    team: z.string().min(1).optional(),
    match: MatchSchema.default({
      ...DEFAULT_MATCH,
      severities: [...DEFAULT_MATCH.severities],
      categories: [...DEFAULT_MATCH.categories],
    }),
    steps: z.array(StepSchema).min(1).optional(),
  })
  .superRefine((policy, context) => {
    if (!policy.steps && !policy.team) {
      context.addIssue({ code: 'custom', path: ['steps'], message: 'give steps, or a team for the default ladder' });
    }
  })
  .transform(({ team, steps, ...rest }) => ({ ...rest, steps: steps ?? defaultSteps(team!) }));

/** The `escalation` section. */
export const EscalationConfigSchema = z.strictObject({
  /** The gateway's externally reachable base URL: links in mail and webhooks start with it. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Where people open the browser console (its links go to `#/alert/<id>`); default `<publicUrl>/console`. */
  consoleUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** Signs acknowledge links; generated and kept with the journal when absent. */
  linkSecret: z.string().min(16).optional(),
  linkTtlMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * MINUTE),
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535),
      /** Implicit TLS from the first byte (usually port 465). */
      secure: z.boolean().default(false),
      /** Refuse to send unless the server upgrades with STARTTLS. */
      requireTLS: z.boolean().default(false),
      auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
      from: z.string().min(3),
      tls: z.strictObject({ caFile: z.string().min(1) }).optional(),
    })
    .optional(),
  /** Web Push: the VAPID key pair is made at the first start and kept with the journal. */
  push: z
    .strictObject({
      /** RFC 8292 `sub`, a mailto: or https: URL push services can reach the operator by; default: publicUrl when https. */
      subject: z
        .string()
        .regex(/^(mailto:|https:\/\/)\S+$/, 'a mailto: or https:// URL')
        .optional(),
      /** How long a push service keeps a push for a device that is offline. */
      ttlSeconds: z
        .number()
        .int()
        .min(0)
        .max(28 * 24 * 3600)
        .default(3600),
      /** A push service that does not answer in this time has failed the attempt. */
      timeoutMs: z.number().int().positive().default(10_000),
      /** Trust this CA for push services too (a self-hosted UnifiedPush server behind an internal CA). */
      tls: z.strictObject({ caFile: z.string().min(1) }).optional(),
    })
    .default({ ttlSeconds: 3600, timeoutMs: 10_000 }),
  policies: z.array(PolicySchema).default([]),
});

export type EscalationConfigInput = z.input<typeof EscalationConfigSchema>;
export type EscalationConfig = z.output<typeof EscalationConfigSchema>;
export type EscalationPolicy = EscalationConfig['policies'][number];
export type EscalationStep = z.output<typeof StepSchema>;
export type SmtpConfig = NonNullable<EscalationConfig['smtp']>;
export type PushConfig = EscalationConfig['push'];

/** The VAPID subject: the configured one, else the public URL when it is https (push services refuse http), else none. */
export function vapidSubject(config: EscalationConfig): string | undefined {
  return config.push.subject ?? (config.publicUrl.startsWith('https://') ? config.publicUrl : undefined);
}

/** Parse the section and check every id it names against the directory; errors name the field. */
export function parseEscalationConfig(
  input: unknown,
  directory: Pick<Directory, 'person' | 'team'>,
  where = 'escalation',
): Result<EscalationConfig, 'invalid_escalation'> {
  const parsed = EscalationConfigSchema.safeParse(input);
  if (!parsed.success) return fail('invalid_escalation', describeZodIssue(parsed.error, where, where));
  const config = parsed.data;
  const names = new Set<string>();
  for (const [p, policy] of config.policies.entries()) {
    if (names.has(policy.name)) {
      return fail('invalid_escalation', `${where}.policies.${p}.name: a second policy named "${policy.name}"`);
    }
    names.add(policy.name);
    for (const [s, step] of policy.steps.entries()) {
      for (const [n, id] of step.notify.entries()) {
        if (!directory.person(id) && !directory.team(id)) {
          return fail('invalid_escalation', `${where}.policies.${p}.steps.${s}.notify.${n}: no person or team "${id}"`);
        }
      }
      if (step.via.includes('push') && !vapidSubject(config)) {
        return fail(
          'invalid_escalation',
          `${where}.push.subject: Web Push needs a mailto: or https: contact for push services when publicUrl is not https`,
        );
      }
      if (step.via.includes('email') && !config.smtp) {
        return fail('invalid_escalation', `${where}.policies.${p}.steps.${s}.via: e-mail needs ${where}.smtp`);
      }
    }
  }
  return ok(config);
}
