/**
 * People and teams in the gateway's configuration: who may open a console with which device
 * token, and where their escalations go. The sections are optional; a gateway without them
 * knows only the plain `tokens`, and every action on it is attributed to "console".
 */
import { z } from 'zod';

const TOKEN_MESSAGE = 'tokens must be at least 16 characters';
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids are letters, digits, ".", "_" and "-"');

/** Where a person's escalations are posted: a JSON body, or an ntfy topic URL. */
export const WebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Signs the body (HMAC-SHA256) so the receiver can tell the post came from this gateway. */
  secret: z.string().min(1).optional(),
  flavour: z.enum(['json', 'ntfy']).default('json'),
});
export type Webhook = z.output<typeof WebhookSchema>;

/** One person: a display name (what the journal records as `by`) and a token per device. */
export const PersonSchema = z.strictObject({
  id,
  name: z.string().min(1).max(256),
  email: z.email().optional(),
  webhooks: z.array(WebhookSchema).default([]),
  /** One per device, so one lost laptop is revoked without touching the others. */
  tokens: z.array(z.string().min(16, TOKEN_MESSAGE)),
});
export type Person = z.output<typeof PersonSchema>;

/** A named group of people, addressed as one in escalation policies. */
export const TeamSchema = z.strictObject({
  id,
  name: z.string().min(1).max(256),
  members: z.array(z.string()).min(1, 'a team needs at least one member'),
});
export type Team = z.output<typeof TeamSchema>;

/** The `people` section on its own; duplicate ids and tokens within it are refused here. */
export const PeopleConfigSchema = z.array(PersonSchema).superRefine((people, ctx) => {
  for (const issue of peopleIssues(people)) ctx.addIssue({ code: 'custom', ...issue });
});

/** The `teams` section on its own; members are checked against `people` by `identityIssues`. */
export const TeamsConfigSchema = z.array(TeamSchema).superRefine((teams, ctx) => {
  const seen = new Set<string>();
  teams.forEach((team, i) => {
    if (seen.has(team.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate team id ${team.id}` });
    seen.add(team.id);
  });
});

/** The parts of a gateway configuration identity depends on. */
export type IdentityConfig = {
  tokens: readonly string[];
  people?: readonly Person[] | undefined;
  teams?: readonly Team[] | undefined;
};

/** One configuration error, with the path of the field from the configuration's root. */
export type IdentityIssue = { path: Array<string | number>; message: string };

/** Duplicate person ids and device tokens used twice among people (paths relative to `people`). */
function peopleIssues(people: readonly Person[]): IdentityIssue[] {
  const issues: IdentityIssue[] = [];
  const ids = new Set<string>();
  const tokens = new Set<string>();
  people.forEach((person, i) => {
    if (ids.has(person.id)) issues.push({ path: [i, 'id'], message: `duplicate person id ${person.id}` });
    ids.add(person.id);
    person.tokens.forEach((token, j) => {
      // The token is a secret: the message names where it is, never what it is.
      if (tokens.has(token)) issues.push({ path: [i, 'tokens', j], message: 'this token is already used' });
      tokens.add(token);
    });
  });
  return issues;
}

/**
 * What only the whole configuration can tell: teams naming unknown people or sharing an id
 * with a person, and device tokens also in the plain `tokens` list (whose connections would
 * be ambiguous: a person, or "console"?). Paths are from the configuration's root.
 */
export function identityIssues(config: IdentityConfig): IdentityIssue[] {
  const people = config.people ?? [];
  const issues: IdentityIssue[] = peopleIssues(people).map((issue) => ({ ...issue, path: ['people', ...issue.path] }));
  const plain = new Set(config.tokens);
  people.forEach((person, i) =>
    person.tokens.forEach((token, j) => {
      if (plain.has(token))
        issues.push({ path: ['people', i, 'tokens', j], message: 'this token is also in the plain tokens list' });
    }),
  );
  const personIds = new Set(people.map((person) => person.id));
  (config.teams ?? []).forEach((team, i) => {
    if (personIds.has(team.id))
      issues.push({ path: ['teams', i, 'id'], message: `team id ${team.id} is also a person's id` });
    team.members.forEach((member, j) => {
      if (!personIds.has(member))
        issues.push({ path: ['teams', i, 'members', j], message: `no person with id ${member}` });
    });
  });
  return issues;
}

/**
 * For `GatewayConfigSchema.superRefine(refineIdentity)`: reports `identityIssues` as zod
 * issues, so a bad file fails at parse time with the field named, like every other error.
 */
export function refineIdentity(config: IdentityConfig, ctx: z.RefinementCtx): void {
  for (const issue of identityIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
}
