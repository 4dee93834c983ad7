/**
 * Every view in both themes, against the embedded demo feed: a screenshot of each (saved in
 * test-results/screens for people to look at) and a measured WCAG AA contrast check of every
 * piece of visible text against the background it is drawn on.
 */
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures.js';
import { measureContrastInPage, type ContrastReport } from './in-page/contrast.js';

const SCREENS = 'test-results/screens';
type Theme = 'dark' | 'light';

/** Every visible text in the page measured (see in-page/contrast.ts). */
async function measureContrast(page: Page): Promise<ContrastReport> {
  return page.evaluate(measureContrastInPage);
}

async function check(page: Page, name: string, theme: Theme): Promise<void> {
  await page.screenshot({ path: `${SCREENS}/${name}-${theme}.png` });
  const { checked, lowest, failures } = await measureContrast(page);
  console.log(`${name} (${theme}): ${checked} text elements, lowest contrast ${lowest.toFixed(2)}:1`);
  expect(checked, `visible text in ${name}`).toBeGreaterThan(20);
  expect(failures, `text below WCAG AA in ${name} (${theme})`).toEqual([]);
}

test('the contrast measurement flags text that fails AA and passes text that meets it', async ({ page }) => {
  await page.setContent(`<body style="background:#fff">
    <p style="color:#767676">4.54:1 passes</p><p style="color:#777">4.48:1 fails</p>
    <div style="background:#000"><span style="color:rgba(255,255,255,0.5)">half white on black 5.28:1</span></div>
    <p style="color:#949494;font-size:24px">large 3.03:1 passes</p></body>`);
  const { checked, failures } = await measureContrast(page);
  expect(checked).toBe(4);
  expect(failures).toEqual([expect.stringMatching(/^4\.48:1 "4\.48:1 fails"/)]);
});

for (const theme of ['dark', 'light'] as const) {
  test(`every view in the ${theme} theme: screenshots, and all text passes WCAG AA contrast`, async ({
    page,
    tocsin,
  }) => {
    mkdirSync(SCREENS, { recursive: true });
    await page.emulateMedia({ colorScheme: theme }); // the default theme follows the system
    await page.goto(tocsin.url);
    await expect(page.getByTestId('alert-row').first()).toBeVisible();
    await page.waitForTimeout(3_000); // a few more demo alerts and metric samples
    await page.getByTestId('alert-row').nth(1).click();
    await page.getByTestId('alert-row').nth(1).dblclick();
    await expect(page.getByTestId('detail-title')).toBeVisible();
    await check(page, 'board', theme);

    await page.getByRole('tab', { name: 'Dashboards' }).click();
    await expect(page.getByTestId('host-card')).toHaveCount(20);
    await check(page, 'dashboards', theme);
    await page.getByTestId('host-card').first().click();
    await expect(page.locator('.metric-chart canvas')).toHaveCount(5);
    await check(page, 'dashboard-host', theme);
    // An hour from the metric history (the core records the demo's samples as they arrive).
    await page.getByRole('button', { name: '1 h' }).click();
    await expect(page.getByTestId('dashboard-summary')).toHaveText('20 hosts · last hour, from history');
    await expect(page.getByTestId('host-card')).toHaveCount(20);
    await expect(page.getByTestId('host-card').first()).toContainText('%');

    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByTestId('history-row').first()).toBeVisible();
    await page.getByTestId('history-row').first().click();
    await expect(page.getByTestId('timeline')).toContainText('fired');
    await check(page, 'history', theme);

    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByRole('button', { name: /Save/ })).toBeVisible();
    await check(page, 'settings', theme);
  });
}
