/**
 * The board against a real standalone gateway: acknowledgements reach every console, a dead
 * gateway shows as disconnected (never as all clear) and nothing is lost when it returns.
 */
import { expect, postEvents, startConsole, startGatewayProcess, test } from './fixtures.js';

const fired = (alertId: string, title: string, severity = 'high', category = 'outage') => ({
  kind: 'fired',
  alertId,
  alert: { title, body: `${title}: details`, severity, category, host: 'db-01', labels: { team: 'storage' } },
});

test('an acknowledgement on one console appears on another within a second', async ({ browser }) => {
  const gateway = await startGatewayProcess();
  const consoles = [await startConsole({ feed: gateway }), await startConsole({ feed: gateway })];
  try {
    const [ann, bob] = await Promise.all(
      consoles.map(async (c) => {
        const page = await browser.newPage();
        await page.goto(c.url);
        await expect(page.getByTestId('feed-cli')).toContainText('Live');
        return page;
      }),
    );
    await postEvents(gateway, fired('disk-db-01', 'Disk full on db-01'));
    for (const page of [ann!, bob!])
      await expect(page.getByTestId('alert-row').filter({ hasText: 'Disk full on db-01' })).toContainText(
        'Unacknowledged',
      );
    await ann!.getByTestId('alert-row').filter({ hasText: 'Disk full on db-01' }).click();
    const clicked = Date.now();
    await ann!.keyboard.press('a');
    await expect(bob!.getByTestId('alert-row').filter({ hasText: 'Disk full on db-01' })).toContainText('✓', {
      timeout: 1_000,
    });
    expect(Date.now() - clicked).toBeLessThan(1_000);
  } finally {
    for (const c of consoles) await c.process.stop();
    await gateway.process.stop();
  }
});

test('killing the gateway shows Disconnected within two heartbeats and recovers without losing alerts', async ({
  page,
}) => {
  let gateway = await startGatewayProcess();
  const tocsin = await startConsole({ feed: gateway });
  try {
    await page.goto(tocsin.url);
    await postEvents(gateway, fired('a1', 'Before the crash'));
    await expect(page.getByTestId('alert-row').filter({ hasText: 'Before the crash' })).toBeVisible();
    gateway.process.child.kill('SIGKILL');
    const killed = Date.now();
    await expect(page.getByTestId('feed-cli')).toContainText(/Disconnected|Stale/, { timeout: 4_000 });
    expect(Date.now() - killed).toBeLessThan(2 * 1000 + 1500); // two 1 s heartbeats plus the UI's batching margin
    await expect(page.getByTestId('feed-cli')).toContainText('Disconnected', { timeout: 4_000 });
    await expect(page.getByTestId('feed-cli')).toContainText('retry in');
    gateway = await gateway.restart();
    await postEvents(gateway, [fired('a2', 'While you were away'), fired('a3', 'Also missed', 'critical', 'security')]);
    await expect(page.getByTestId('feed-cli')).toContainText('Live', { timeout: 40_000 });
    for (const title of ['Before the crash', 'While you were away', 'Also missed'])
      await expect(page.getByTestId('alert-row').filter({ hasText: title })).toBeVisible();
  } finally {
    await tocsin.process.stop();
    await gateway.process.stop();
  }
});

test('alert text carrying HTML, script and javascript: links renders as inert text', async ({
  page,
  linked: { gateway, tocsin },
}) => {
  let alerted = false;
  page.on('dialog', (dialog) => {
    alerted = true;
    void dialog.dismiss();
  });
  await page.goto(tocsin.url);
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await postEvents(gateway, {
    kind: 'fired',
    alertId: 'xss',
    alert: {
      title: `Boom ${hostile}`,
      body: `<b>bold?</b> ${hostile} ${'A'.repeat(12_000)}`,
      severity: 'critical',
      category: 'security',
      host: '<svg onload=alert(1)>',
      labels: { '<i>label</i>': '<a href="javascript:alert(1)">x</a>' },
      url: 'javascript:alert(document.domain)',
      links: [{ title: '<b>Open panel</b>', url: 'javascript:alert(2)' }],
    },
  });
  const row = page.getByTestId('alert-row').filter({ hasText: 'Boom' });
  await expect(row).toContainText(hostile);
  await row.dblclick();
  await expect(page.getByTestId('detail-title')).toHaveText(`Boom ${hostile}`);
  await expect(page.locator('.detail a')).toHaveCount(0); // the javascript: URL is shown as text, not a link
  await expect(page.locator('.detail')).toContainText('javascript:alert(document.domain)');
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img, script:not([src]), svg, b, i').count()).toBe(0);
  expect(alerted).toBe(false);
});

test('links the source offers (Grafana: panel, dashboard, silence) are actions in the detail, https only', async ({
  page,
  linked: { gateway, tocsin },
}) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  // What the gateway journals for a Grafana-managed alert (gateway/sources/grafana maps them).
  await postEvents(gateway, {
    kind: 'fired',
    alertId: 'grafana:1:c6eadffa33fcdf37',
    alert: {
      title: 'High memory usage on zone us-1',
      body: 'The system has high memory usage\n\nValues: B=44.2394, C=1',
      severity: 'warning',
      category: 'capacity',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
      url: 'https://grafana.example.net/d/abc123/memory?viewPanel=2',
      links: [
        { title: 'Open panel', url: 'https://grafana.example.net/d/abc123/memory?viewPanel=2' },
        { title: 'Open dashboard', url: 'https://grafana.example.net/d/abc123/memory' },
        { title: 'Silence in Grafana', url: 'https://grafana.example.net/alerting/silence/new?matchers=zone%3Dus-1' },
        { title: 'Plain http', url: 'http://grafana.example.net/d/abc123' },
      ],
    },
  });
  await page.getByTestId('alert-row').filter({ hasText: 'High memory usage' }).dblclick();
  const links = page.getByTestId('source-link');
  await expect(links).toHaveText(['Open panel', 'Open dashboard', 'Silence in Grafana']);
  await expect(links.nth(1)).toHaveAttribute('href', 'https://grafana.example.net/d/abc123/memory');
  await expect(links.nth(0)).toHaveAttribute('target', '_blank');
  await page.screenshot({ path: 'test-results/source-links.png' });
});
