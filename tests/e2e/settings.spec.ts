/** Settings in Chromium: bad values are refused next to their field and not saved; good ones persist. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.js';

test('settings reject bad values with the reason and persist good ones', async ({ page, tocsin }) => {
  await page.goto(tocsin.url);
  await page.getByRole('button', { name: 'Add a real feed' }).click(); // first run: one click to settings
  const cap = page.getByLabel('At most this many notifications per minute');
  await expect(cap).toHaveValue('10');

  await cap.fill('500');
  await page.getByLabel('Sound for critical').fill('rm -rf /');
  await page.getByLabel('Feed id').fill('Prod!');
  await page.getByLabel('Feed name').fill('Production');
  await page.getByLabel('Feed URL').fill('http://not-a-websocket');
  await page.getByLabel('Feed token').fill('short');
  await page.getByRole('button', { name: 'Add feed' }).click();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-message')).toHaveText('Not saved: fix the fields marked below.');
  await expect(page.getByTestId('error-notifications.capPerMinute')).toContainText('<=120');
  await expect(page.getByText('url: a ws:// or wss:// URL')).toBeVisible();
  await expect(page.getByTestId('error-notifications.sounds.critical')).toContainText('a sound name');
  await expect(page.getByText('token: at least 16 characters')).toBeVisible();
  await page.screenshot({ path: 'test-results/settings-invalid.png' });

  await page.reload();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByLabel('At most this many notifications per minute')).toHaveValue('10'); // nothing invalid was saved

  await page.getByLabel('At most this many notifications per minute').fill('20');
  await page.getByLabel('Missed while disconnected: notify if fired within (minutes, 0 = never)').fill('30');
  await page.getByLabel('Sound for critical').fill('alarm-clock-elapsed');
  await page.getByLabel('Theme').selectOption('light');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-message')).toHaveText('Saved.');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await page.reload();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByLabel('At most this many notifications per minute')).toHaveValue('20');
  await expect(page.getByLabel('Sound for critical')).toHaveValue('alarm-clock-elapsed');
  const saved = JSON.parse(readFileSync(join(tocsin.dataDir, 'settings.json'), 'utf8')) as { notifications: { capPerMinute: number }; theme: string };
  expect(saved).toMatchObject({ notifications: { capPerMinute: 20, missedWithinMs: 30 * 60_000, sounds: { critical: 'alarm-clock-elapsed' } }, theme: 'light' });
  await page.screenshot({ path: 'test-results/settings-light.png' });
});
