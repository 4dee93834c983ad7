/**
 * Escalation in the browser console, against a standalone gateway with a real SMTP server
 * (aiosmtpd) and a push service on loopback: the alert's detail shows its ladder (who was reached,
 * by what, who is next and when), "Reach me when I'm away" shows the person and registers the
 * console's service worker, a push delivered to that worker (through Chromium's DevTools
 * protocol: headless Chromium has no vendor push service) is shown as a notification, and the
 * escalation e-mail is rendered for people to look at.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../support/processes.js';
import { startPushService } from '../support/push-service.js';
import { freePort, mails, startSmtp } from '../support/smtp-sink.js';
import { expect, startConsole, test } from './fixtures.js';

const SCREENS = 'test-results/screens';
const ANN = 'ann-browser-token-0123456789';

test('the ladder in an alert’s detail, reach me when I’m away, and a push shown by the service worker', async ({
  page,
  context,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-e2e-esc-'));
  const maildir = join(dir, 'mail');
  const smtpPort = await freePort();
  const smtp = await startSmtp(smtpPort, maildir);
  const push = await startPushService();
  const port = await freePort();
  writeFileSync(
    join(dir, 'gateway.json'),
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      tokens: ['e2e-plain-token-0123456789'],
      journal: { path: join(dir, 'journal.sqlite') },
      heartbeatMs: 1000,
      people: [
        { id: 'ann', name: 'Ann Example', email: 'ann@example.test', tokens: [ANN] },
        { id: 'bob', name: 'Bob Example', email: 'bob@example.test', tokens: ['bob-browser-token-0123456789'] },
      ],
      escalation: {
        publicUrl: `http://127.0.0.1:${port}`,
        push: { subject: 'mailto:oncall@example.test', tls: { caFile: push.caFile } },
        smtp: { host: '127.0.0.1', port: smtpPort, from: 'Tocsin <tocsin@example.test>' },
        policies: [
          {
            name: 'payments',
            steps: [
              { after: 0, notify: ['ann'], via: ['push', 'email'] },
              { after: 600_000, notify: ['bob'], via: ['email'] },
            ],
          },
        ],
      },
    }),
  );
  const gateway = await startProcess(
    'node',
    ['dist/gateway/cli.cjs', '--config', join(dir, 'gateway.json')],
    /Tocsin gateway: (\S+)/,
  );
  const tocsin = await startConsole({ feed: { url: gateway.match[1]!, token: ANN } });
  try {
    mkdirSync(SCREENS, { recursive: true });
    await page.goto(tocsin.url);
    await expect(page.getByTestId('feed-cli')).toContainText('Live');

    const posted = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer e2e-plain-token-0123456789' },
      body: JSON.stringify({
        kind: 'fired',
        alertId: 'payments-down',
        alert: {
          title: 'Payments API returns 503',
          body: 'Error rate 42% for 5 minutes',
          severity: 'critical',
          category: 'outage',
          host: 'pay-1',
          labels: { service: 'payments' },
        },
      }),
    });
    expect(posted.status).toBe(202);
    await expect.poll(() => mails(maildir).length, { timeout: 15_000 }).toBe(1);

    // The ladder, from the alert's detail.
    await page.getByTestId('alert-row').filter({ hasText: 'Payments API returns 503' }).dblclick();
    const ladder = page.getByTestId('escalation-ladder');
    await expect(ladder).toContainText('Step 1 · Ann Example by e-mail: reached');
    await expect(ladder).toContainText('Step 1 · Ann Example by Web Push: failed 1×');
    await expect(ladder).toContainText(/next: Ann Example by Web Push in 0:[0-5]\d|next: Bob Example by e-mail in 9:/);
    await expect(page.getByTestId('timeline')).toContainText('escalated to Ann Example by e-mail: delivered');
    await page.screenshot({ path: `${SCREENS}/escalation-ladder.png` });

    // Reach me when I'm away: the person, the e-mail on record, and this browser's worker.
    await context.grantPermissions(['notifications'], { origin: new URL(tocsin.url).origin });
    await page.getByRole('tab', { name: 'Settings' }).click();
    const reach = page.getByTestId('reach-me');
    await expect(reach).toContainText('You are Ann Example to');
    await expect(reach).toContainText('E-mail on record: ann@example.test');
    await reach.getByRole('button', { name: 'Turn on push in this browser' }).click();
    // Headless Chromium registers the worker but has no vendor push service to subscribe with.
    await expect(page.getByTestId('reach-me-message')).toContainText(/Push is on|could not subscribe: .+/);
    const message = await page.getByTestId('reach-me-message').textContent();
    console.log(`subscribing in headless Chromium: ${message}`);
    await reach.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/reach-me.png` });
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(new URL('./', tocsin.url.split('?')[0]).href);

    // A push delivered to the worker is shown as a notification with an Acknowledge action.
    const cdp = await context.newCDPSession(page);
    const registrations = new Promise<{ registrationId: string; scopeURL: string }[]>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => resolve(e.registrations)),
    );
    await cdp.send('ServiceWorker.enable');
    const registration = (await registrations).find((r) => r.scopeURL === scope)!;
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(tocsin.url).origin,
      registrationId: registration.registrationId,
      data: JSON.stringify({
        v: 1,
        alertId: 'payments-down',
        title: '[CRITICAL outage] Payments API returns 503 on pay-1',
        body: 'pay-1\nError rate 42% for 5 minutes',
        severity: 'critical',
        consoleUrl: `http://127.0.0.1:${port}/console#/alert/payments-down`,
        ackUrl: `http://127.0.0.1:${port}/v1/ack?t=x`,
        tag: 'tocsin-payments',
      }),
    });
    await expect
      .poll(() =>
        page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title,
            tag: n.tag,
            requireInteraction: n.requireInteraction,
            // Chromium's Notification has `actions` (the DOM typings do not list it yet).
            actions: (n as Notification & { actions: Array<{ title: string }> }).actions.map((a) => a.title),
          })),
        ),
      )
      .toEqual([
        {
          title: '[CRITICAL outage] Payments API returns 503 on pay-1',
          tag: 'tocsin-payments',
          requireInteraction: true,
          actions: ['Acknowledge'],
        },
      ]);

    // The e-mail, as a mail client would show its HTML part.
    const mail = mails(maildir)[0]!;
    const html = decodeQuotedPrintable(mail.slice(mail.indexOf('<!doctype html>'), mail.indexOf('</html>') + 7));
    const viewer = await context.newPage();
    await viewer.setViewportSize({ width: 760, height: 560 });
    await viewer.setContent(html);
    await expect(viewer.getByRole('link', { name: 'Acknowledge' })).toBeVisible();
    await viewer.screenshot({ path: `${SCREENS}/escalation-email.png` });
  } finally {
    await tocsin.process.stop();
    await gateway.stop();
    await push.close();
    await smtp.stop();
  }
});

function decodeQuotedPrintable(text: string): string {
  return Buffer.from(
    text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}
