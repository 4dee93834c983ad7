import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { alertKey } from './alert-key.js';
import { describeZodIssue } from './zod-issue.js';

describe('describeZodIssue', () => {
  it('names the path of the first issue, or the whole value', () => {
    const schema = z.object({ alert: z.object({ severity: z.enum(['high']) }) });
    const nested = schema.safeParse({ alert: { severity: 'apocalyptic' } });
    expect(nested.success ? '' : describeZodIssue(nested.error)).toMatch(/^alert\.severity: /);
    const whole = z.string().safeParse(5);
    expect(whole.success ? '' : describeZodIssue(whole.error, '(body)')).toMatch(/^\(body\): /);
  });
});

describe('alertKey', () => {
  it('keeps the same alert id on two feeds apart', () => {
    expect(alertKey({ feedId: 'a', alertId: 'db-01' })).not.toBe(alertKey({ feedId: 'b', alertId: 'db-01' }));
    expect(alertKey({ feedId: 'a', alertId: 'db-01' })).toBe(alertKey({ feedId: 'a', alertId: 'db-01' }));
  });
});
