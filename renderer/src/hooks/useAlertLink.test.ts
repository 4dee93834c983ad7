import { describe, expect, it } from 'vitest';
import { alertIdFromHash } from './useAlertLink';

describe('alert links', () => {
  it('reads the alert id from #/alert/<id>, decoded', () => {
    expect(alertIdFromHash('#/alert/intrusion-1')).toBe('intrusion-1');
    expect(alertIdFromHash('#/alert/a%2Fb%20c')).toBe('a/b c');
  });

  it('ignores anything else, malformed escapes and over-long ids', () => {
    expect(alertIdFromHash('')).toBeNull();
    expect(alertIdFromHash('#/alert/')).toBeNull();
    expect(alertIdFromHash('#/board')).toBeNull();
    expect(alertIdFromHash('#/alert/%E0%A4%A')).toBeNull();
    expect(alertIdFromHash(`#/alert/${'x'.repeat(257)}`)).toBeNull();
  });
});
