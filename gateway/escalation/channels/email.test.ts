import { describe, expect, it } from 'vitest';
import { fired } from '../test-support.js';
import { renderEmail } from './email.js';

const notice = (overrides: Parameters<typeof fired>[2]) => ({
  person: { id: 'ann', name: 'Ann <ops>', email: 'ann@example.test' },
  fired: fired('a1', 0, overrides),
  consoleUrl: 'https://t.example.test/console#/alert/a1',
  ackUrl: 'https://t.example.test/v1/ack?t=tok.sig',
});

describe('the e-mail message', () => {
  it('escapes the alert in HTML, and links the origin only when it is https', () => {
    const mail = renderEmail(notice({ title: '<script>x</script>', url: 'javascript:alert(1)', host: undefined }));
    expect(mail.subject).toBe('[CRITICAL security] <script>x</script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;x&#60;/script&#62;');
    expect(mail.html).not.toContain('href="javascript');
    expect(mail.text).toContain('Origin (not https, not linked): javascript:alert(1)');
    expect(mail.html).toContain('<a href="https://t.example.test/v1/ack?t=tok.sig">Acknowledge</a>');
    expect(mail.html).toContain('Ann &#60;ops&#62;');
  });
});
