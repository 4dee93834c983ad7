/**
 * Takes README screenshots of the browser console (board, dashboards, history, settings; real core, a real
 * gateway running the demo simulator with a light storm so the board is full) in both themes:
 * `npx tsx scripts/screenshot.ts` after `node scripts/build.mjs`.
 */
import { chromium } from 'playwright-core';
import { startConsole, startGatewayProcess } from '../tests/e2e/fixtures.js';
import { CHROMIUM_LAUNCH } from '../tests/support/chromium.js';

const gateway = await startGatewayProcess({ demo: true, stormPerMinute: 240 });
const instance = await startConsole({ feed: gateway });
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  for (const colorScheme of ['dark', 'light'] as const) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, colorScheme });
    await page.goto(instance.url);
    await page.getByTestId('alert-row').nth(1).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(colorScheme === 'dark' ? 8_000 : 0); // let the storm fill the board
    await page.getByTestId('alert-row').first().click();
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline').locator('li').first().waitFor();
    await page.screenshot({ path: `docs/screenshots/board-${colorScheme}.png` });
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Dashboards' }).click();
    await page.getByTestId('host-card').nth(19).waitFor();
    await page.getByTestId('host-card').filter({ hasText: 'db-01' }).click();
    await page.waitForTimeout(4_000); // a few seconds of live samples
    await page.screenshot({ path: `docs/screenshots/dashboard-${colorScheme}.png` });
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-row').first().waitFor();
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('timeline').locator('li').first().waitFor();
    await page.screenshot({ path: `docs/screenshots/history-${colorScheme}.png` });
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /Save/ }).waitFor();
    await page.screenshot({ path: `docs/screenshots/settings-${colorScheme}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await instance.process.stop();
  await gateway.process.stop();
}
console.log('saved board, dashboard, history and settings screenshots in both themes to docs/screenshots/');
