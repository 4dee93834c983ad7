/** Dashboards in Chromium: live metrics from the demo feed fill a grid of hosts and a host's charts. */
import { expect, test } from './fixtures.js';

test('live metrics fill the host grid, a host shows its charts, and the wall display fills the screen', async ({
  page,
  tocsin,
}) => {
  await page.goto(tocsin.url);
  await page.getByRole('tab', { name: 'Dashboards' }).click();
  await expect(page.getByTestId('host-card')).toHaveCount(20, { timeout: 10_000 }); // the demo estate
  const web = page.getByTestId('host-card').filter({ hasText: 'web-01' });
  await expect(web).toContainText('%');
  await expect(web.getByRole('img', { name: /web-01 CPU: \d+(\.\d)? %/ })).toBeVisible({ timeout: 10_000 });
  const before = await web.getByRole('img', { name: /web-01 Requests/ }).getAttribute('aria-label');
  await expect(web.getByRole('img', { name: /web-01 Requests/ })).not.toHaveAttribute('aria-label', before!, {
    timeout: 5_000,
  }); // live
  await web.click();
  await expect(page.locator('.metric-chart canvas')).toHaveCount(5);
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: 'test-results/dashboard.png' });
  await page.getByRole('button', { name: 'Wall display' }).click();
  await expect(page.locator('.dashboard.wall')).toBeVisible();
});
