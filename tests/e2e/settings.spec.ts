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
  const saved = JSON.parse(readFileSync(join(tocsin.dataDir, 'settings.json'), 'utf8')) as {
    notifications: { capPerMinute: number };
    theme: string;
  };
  expect(saved).toMatchObject({
    notifications: { capPerMinute: 20, missedWithinMs: 30 * 60_000, sounds: { critical: 'alarm-clock-elapsed' } },
    theme: 'light',
  });
  await page.screenshot({ path: 'test-results/settings-light.png' });
});

test('a feed with a custom CA and a key pin: a bad pin is refused with the reason, a good feed is saved for the next start', async ({
  page,
  tocsin,
}) => {
  await page.goto(tocsin.url);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const addFeed = async (pin: string) => {
    await page.getByLabel('Feed id').fill('prod');
    await page.getByLabel('Feed name').fill('Production');
    await page.getByLabel('Feed URL').fill('wss://gateway.example:7420/v1/feed');
    await page.getByLabel('Feed token').fill('a-long-enough-feed-token');
    await page.getByLabel('Feed key pin').fill(pin);
    await page.getByLabel('Feed CA certificate').fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
    await page.getByRole('button', { name: 'Add feed' }).click();
  };
  await addFeed('not-a-pin');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('pin: a base64 SHA-256 (44 characters)')).toBeVisible();
  await page.getByRole('button', { name: 'Remove' }).click();

  const pin = Buffer.alloc(32, 7).toString('base64');
  await addFeed(pin);
  await expect(page.locator('.feed-row')).toContainText(
    'Production · wss://gateway.example:7420/v1/feed · custom CA · key pinned',
  );
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-message')).toHaveText('Saved. Feed changes apply when the console restarts.');
  const saved = JSON.parse(readFileSync(join(tocsin.dataDir, 'settings.json'), 'utf8')) as { feeds: unknown[] };
  expect(saved.feeds).toEqual([
    {
      id: 'prod',
      name: 'Production',
      url: 'wss://gateway.example:7420/v1/feed',
      token: 'a-long-enough-feed-token',
      pin,
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    },
  ]);
});
