/**
 * The board in Chromium against a real gateway and core: counts by severity and category, the
 * keyboard (j/k, Enter, Esc, a, s, c, /), filters that find the right alerts and survive a reload.
 */
import type { Page } from '@playwright/test';
import { expect, postEvents, startConsole, startGatewayProcess, test } from './fixtures.js';

const fired = (alertId: string, title: string, severity: string, category: string, host: string, team: string) => ({
  kind: 'fired',
  alertId,
  alert: { title, body: `${title}: details`, severity, category, host, labels: { team } },
});
const ALERTS = [
  fired('ssh', 'SSH brute force against bastion-01', 'critical', 'security', 'bastion-01', 'secops'),
  fired('disk', 'Disk full on db-01', 'high', 'outage', 'db-01', 'storage'),
  fired('cpu', 'CPU saturated on web-01', 'warning', 'performance', 'web-01', 'web'),
  fired('quota', 'Bucket quota at 85%', 'info', 'capacity', 'store-01', 'storage'),
];

const row = (page: Page, text: string) => page.getByTestId('alert-row').filter({ hasText: text });
const titles = async (page: Page) => (await page.getByTestId('alert-title').allTextContents()).map((t) => t.trim());
const selectedTitle = (page: Page) =>
  page.locator('[data-testid="alert-row"][aria-selected="true"] [data-testid="alert-title"]');

test('counts, keyboard and filters on the board; the filters survive a reload', async ({
  page,
  linked: { gateway, tocsin },
}) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  await postEvents(gateway, ALERTS);
  await expect(page.getByTestId('alert-row')).toHaveCount(4);

  // Counts: every severity and category, with the word (not colour alone).
  await expect(page.getByTestId('count-critical')).toHaveText(/1 critical/);
  await expect(page.getByTestId('count-high')).toHaveText(/1 high/);
  await expect(page.getByTestId('count-security')).toHaveText(/1 security/);
  await expect(page.getByTestId('count-capacity')).toHaveText(/1 capacity/);
  await expect(page.getByTestId('count-other')).toHaveText(/0 other/);
  await expect(page.getByTestId('board-shown')).toHaveText('4 unacknowledged · 4 shown of 4 active');
  // Grouped by severity (the default): most severe group first.
  expect(await titles(page)).toEqual(ALERTS.map((a) => a.alert.title));
  await expect(page.getByTestId('alert-group').first()).toContainText('Critical · 1 alert');

  // Keyboard: j/k move, Enter opens, Esc closes, a acknowledges, s snoozes.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('j');
  await expect(selectedTitle(page)).toHaveText(ALERTS[0]!.alert.title);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(selectedTitle(page)).toHaveText(ALERTS[2]!.alert.title);
  await page.keyboard.press('k');
  await expect(selectedTitle(page)).toHaveText('Disk full on db-01');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('detail-title')).toHaveText('Disk full on db-01');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('detail-title')).toHaveCount(0);
  await page.keyboard.press('a');
  await expect(row(page, 'Disk full')).toContainText(/✓ \S+/);
  await expect(page.getByTestId('board-shown')).toHaveText('3 unacknowledged · 4 shown of 4 active');
  await page.keyboard.press('k');
  await page.keyboard.press('s');
  await expect(row(page, 'SSH brute force')).toContainText('snoozed');
  await expect(row(page, 'SSH brute force')).toContainText('Unacknowledged'); // snoozing is not acknowledging
  // c: comment on the selected alert; Ctrl+Enter adds it; it reaches the timeline through the gateway.
  await page.keyboard.press('c');
  await expect(page.locator('#comment')).toBeFocused();
  await page.keyboard.type('looking at it from the bastion console');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('timeline')).toContainText(/commented by \S+: looking at it from the bastion console/);
  await expect(page.locator('#comment')).toHaveValue('');
  await page.keyboard.press('Escape'); // leaves the field
  await page.keyboard.press('Escape'); // closes the detail
  await expect(page.getByTestId('detail-title')).toHaveCount(0);

  // "/" focuses the search; free text matches title, body, host and labels.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search active alerts')).toBeFocused();
  await page.keyboard.type('storage');
  expect(await titles(page)).toEqual(['Disk full on db-01', 'Bucket quota at 85%']);
  await page.keyboard.press('Escape'); // leaves the field; keys move the board again
  await page.getByLabel('Search active alerts').fill('');

  // Each filter narrows to the right alerts.
  const chip = (name: string) => page.getByRole('group', { name: 'Severity' }).getByRole('button', { name });
  await chip('High').click();
  await chip('Critical').click();
  expect(await titles(page)).toEqual(['SSH brute force against bastion-01', 'Disk full on db-01']);
  await page.getByRole('combobox', { name: 'Acknowledged', exact: true }).selectOption('no');
  expect(await titles(page)).toEqual(['SSH brute force against bastion-01']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('alert-row')).toHaveCount(4);
  await page.getByRole('combobox', { name: 'Category', exact: true }).selectOption('capacity');
  expect(await titles(page)).toEqual(['Bucket quota at 85%']);
  await page.getByRole('combobox', { name: 'Category', exact: true }).selectOption('any');
  await page.getByRole('combobox', { name: 'Source', exact: true }).selectOption('http');
  await expect(page.getByTestId('alert-row')).toHaveCount(4);
  await page.getByLabel('Label (name or name=value)').fill('team=web');
  expect(await titles(page)).toEqual(['CPU saturated on web-01']);
  await page.getByLabel('Label (name or name=value)').fill('team=nobody');
  await expect(page.getByTestId('board-empty')).toContainText('No active alert matches these filters.');

  // Filters persist across a reload (and a restart: they live in the page's storage).
  await page.getByLabel('Label (name or name=value)').fill('team=storage');
  await chip('Info').click();
  await page.getByRole('combobox', { name: 'Group by', exact: true }).selectOption('flat');
  await page.reload();
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  await expect(chip('Info')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('Label (name or name=value)')).toHaveValue('team=storage');
  await expect(page.getByTestId('alert-row')).toHaveCount(1);
  expect(await titles(page)).toEqual(['Bucket quota at 85%']);
  await expect(page.getByTestId('alert-group')).toHaveCount(0);
});

test('the status bar says when notifications are off for this console', async ({ page, tocsin }) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('notification-status')).toHaveText(/Notifications off/);
});

test('ten thousand active alerts: only the rows in view are in the page, and scrolling the board reaches the oldest', async ({
  page,
  linked: { gateway, tocsin },
}) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  await page.getByRole('combobox', { name: 'Group by', exact: true }).selectOption('flat');
  for (let batch = 0; batch < 10; batch++) {
    await postEvents(
      gateway,
      Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i;
        return fired(
          `bulk-${n}`,
          `Bulk alert ${String(n).padStart(5, '0')}`,
          'warning',
          'performance',
          `host-${n % 50}`,
          'load',
        );
      }),
    );
  }
  await expect(page.getByTestId('board-shown')).toHaveText('10000 unacknowledged · 10000 shown of 10000 active', {
    timeout: 30_000,
  });
  // Virtualized: the page holds a screenful of rows (plus overscan), not ten thousand.
  const rendered = await page.getByTestId('alert-row').count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(60);
  // The scroll container is the board itself (not the page growing to the list's full height).
  const { scrollHeight, clientHeight } = await page
    .locator('.board-scroll')
    .evaluate((e) => ({ scrollHeight: e.scrollHeight, clientHeight: e.clientHeight }));
  expect(clientHeight).toBeLessThan(900);
  expect(scrollHeight).toBeGreaterThanOrEqual(10_000 * 40);
  // Newest first, so the last row is the oldest alert.
  await page.locator('.board-scroll').evaluate((e) => e.scrollTo({ top: e.scrollHeight }));
  await expect(page.getByTestId('alert-row').filter({ hasText: 'Bulk alert 00000' })).toBeVisible();
  expect(await page.getByTestId('alert-row').count()).toBeLessThan(60);
});

test('a notification that cannot be shown makes the status bar say so, with the reason', async ({ page }) => {
  const gateway = await startGatewayProcess();
  // Native notifications on, but the session bus points nowhere: no notification server can answer.
  const tocsin = await startConsole({
    feed: gateway,
    nativeNotificationsOn: { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tocsin-e2e-bus', DISPLAY: '' } },
  });
  try {
    // No page is open, so no one is looking: a critical security alert is to be notified.
    await postEvents(
      gateway,
      fired('intrusion', 'Intrusion on bastion-01', 'critical', 'security', 'bastion-01', 'secops'),
    );
    await page.goto(tocsin.url);
    await expect(row(page, 'Intrusion on bastion-01')).toBeVisible();
    const status = page.getByTestId('notification-status');
    await expect(status).toContainText('Notifications failing', { timeout: 15_000 });
    await expect(status).toHaveClass(/feed-disconnected/);
    console.log(`shown in the status bar: ${await status.textContent()}`);
    await page.screenshot({
      path: 'test-results/screens/notifications-failing.png',
      clip: { x: 0, y: 0, width: 1440, height: 140 },
    });
  } finally {
    await tocsin.process.stop();
    await gateway.process.stop();
  }
});
