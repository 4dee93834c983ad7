/** The directory and the validation of the `people` and `teams` sections. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  identityIssues,
  PeopleConfigSchema,
  refineIdentity,
  TeamsConfigSchema,
  type IdentityConfig,
} from './config.js';
import { Directory } from './directory.js';

const ANN_LAPTOP = 'ann-laptop-token-0123456789';
const ANN_PHONE = 'ann-phone-token-0123456789';
const BOB_LAPTOP = 'bob-laptop-token-0123456789';
const PLAIN = 'plain-console-token-0123456789';

const config = (): IdentityConfig => ({
  tokens: [PLAIN],
  people: PeopleConfigSchema.parse([
    { id: 'ann', name: 'Ann Example', tokens: [ANN_LAPTOP, ANN_PHONE] },
    { id: 'bob', name: 'Bob Example', email: 'bob@example.org', tokens: [BOB_LAPTOP] },
    { id: 'cy', name: 'Cy Example', webhooks: [{ url: 'https://ntfy.example.org/cy', flavour: 'ntfy' }], tokens: [] },
  ]),
  teams: TeamsConfigSchema.parse([
    { id: 'db', name: 'Databases', members: ['ann', 'bob'] },
    { id: 'net', name: 'Network', members: ['cy', 'ann'] },
  ]),
});

describe('Directory', () => {
  it('finds the person of every device token, and nobody for a plain or unknown token', () => {
    const directory = new Directory(config());
    expect(directory.personForToken(ANN_LAPTOP)?.id).toBe('ann');
    expect(directory.personForToken(ANN_PHONE)?.id).toBe('ann');
    expect(directory.personForToken(BOB_LAPTOP)?.name).toBe('Bob Example');
    expect(directory.personForToken(PLAIN)).toBeNull();
    expect(directory.personForToken(`${ANN_LAPTOP}x`)).toBeNull();
    expect(directory.personForToken('')).toBeNull();
  });

  it('looks people and teams up by id, with defaults filled in', () => {
    const directory = new Directory(config());
    expect(directory.person('cy')?.webhooks).toEqual([{ url: 'https://ntfy.example.org/cy', flavour: 'ntfy' }]);
    expect(directory.person('ann')?.webhooks).toEqual([]);
    expect(directory.team('db')?.members).toEqual(['ann', 'bob']);
    expect(directory.person('db')).toBeUndefined();
    expect(directory.team('ann')).toBeUndefined();
    expect(directory.people().map((p) => p.id)).toEqual(['ann', 'bob', 'cy']);
  });

  it('expands teams and people to each person once, in the order first named', () => {
    const directory = new Directory(config());
    const { people, unknown } = directory.members(['net', 'bob', 'db', 'ghost', 'ann']);
    expect(people.map((p) => p.id)).toEqual(['cy', 'ann', 'bob']);
    expect(unknown).toEqual(['ghost']);
  });

  it('is empty without people (a gateway with plain tokens only)', () => {
    const directory = new Directory({ tokens: [PLAIN] });
    expect(directory.personForToken(PLAIN)).toBeNull();
    expect(directory.members(['ann'])).toEqual({ people: [], unknown: ['ann'] });
  });

  it('refuses an inconsistent configuration, naming the field', () => {
    const bad = { ...config(), teams: [{ id: 'ops', name: 'Ops', members: ['ann', 'zed'] }] };
    expect(() => new Directory(bad)).toThrow('teams.0.members.1: no person with id zed');
  });
});

describe('people and teams validation', () => {
  const issuesOf = (input: Partial<IdentityConfig>) => identityIssues({ ...config(), ...input });

  it('accepts the example', () => {
    expect(identityIssues(config())).toEqual([]);
  });

  it('refuses a duplicate person id', () => {
    const people = [...config().people!, { ...config().people![0]!, tokens: [] }];
    expect(issuesOf({ people })).toEqual([{ path: ['people', 3, 'id'], message: 'duplicate person id ann' }]);
    const parsed = PeopleConfigSchema.safeParse([
      { id: 'ann', name: 'A', tokens: [] },
      { id: 'ann', name: 'B', tokens: [] },
    ]);
    expect(parsed.error?.issues[0]).toMatchObject({ path: [1, 'id'], message: 'duplicate person id ann' });
  });

  it('refuses a device token used twice, never quoting it', () => {
    const people = config().people!.map((p) => (p.id === 'bob' ? { ...p, tokens: [ANN_PHONE] } : p));
    const issues = issuesOf({ people });
    expect(issues).toEqual([{ path: ['people', 1, 'tokens', 0], message: 'this token is already used' }]);
    expect(JSON.stringify(issues)).not.toContain(ANN_PHONE);
  });

  it('refuses a device token that is also a plain token', () => {
    expect(issuesOf({ tokens: [PLAIN, BOB_LAPTOP] })).toEqual([
      { path: ['people', 1, 'tokens', 0], message: 'this token is also in the plain tokens list' },
    ]);
  });

  it('refuses a team naming an unknown person, a team id that is a person id, and a duplicate team id', () => {
    expect(issuesOf({ teams: [{ id: 'bob', name: 'B', members: ['ann'] }] })).toEqual([
      { path: ['teams', 0, 'id'], message: "team id bob is also a person's id" },
    ]);
    expect(issuesOf({ teams: [{ id: 'x', name: 'X', members: ['nobody'] }] })).toEqual([
      { path: ['teams', 0, 'members', 0], message: 'no person with id nobody' },
    ]);
    const twice = TeamsConfigSchema.safeParse([
      { id: 'x', name: 'X', members: ['ann'] },
      { id: 'x', name: 'Y', members: ['bob'] },
    ]);
    expect(twice.error?.issues[0]).toMatchObject({ path: [1, 'id'], message: 'duplicate team id x' });
  });

  it('refuses short tokens, unknown keys and bad webhooks with the field named', () => {
    const short = PeopleConfigSchema.safeParse([{ id: 'ann', name: 'Ann', tokens: ['short'] }]);
    expect(short.error?.issues[0]).toMatchObject({
      path: [0, 'tokens', 0],
      message: 'tokens must be at least 16 characters',
    });
    expect(PeopleConfigSchema.safeParse([{ id: 'ann', name: 'Ann', tokens: [], pager: 1 }]).success).toBe(false);
    const hook = PeopleConfigSchema.safeParse([{ id: 'a', name: 'A', tokens: [], webhooks: [{ url: 'ftp://x' }] }]);
    expect(hook.error?.issues[0]?.path).toEqual([0, 'webhooks', 0, 'url']);
    expect(PeopleConfigSchema.safeParse([{ id: 'a b', name: 'A', tokens: [] }]).success).toBe(false);
  });

  it('reports issues through zod when used as a refinement of the whole configuration', () => {
    const schema = z
      .object({
        tokens: z.array(z.string()),
        people: PeopleConfigSchema.optional(),
        teams: TeamsConfigSchema.optional(),
      })
      .superRefine(refineIdentity);
    const parsed = schema.safeParse({
      tokens: [ANN_LAPTOP],
      people: [{ id: 'ann', name: 'Ann', tokens: [ANN_LAPTOP] }],
    });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['people', 0, 'tokens', 0] });
  });
});
