/** History in Chromium: full-text search finds the right alerts, the timeline shows who did what, export downloads CSV. */
import { readFileSync } from 'node:fs';
import { expect, postEvents, test } from './fixtures.js';

test('search, timeline and export in the history', async ({ page, linked: { gateway, tocsin } }) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  const alert = (alertId: string, title: string, host: string, category = 'outage') => ({
    kind: 'fired',
    alertId,
    alert: { title, body: `${title} (runbook 12)`, severity: 'high', category, host, labels: { team: 'storage' } },
  });
  await postEvents(gateway, [
    alert('disk', 'Disk full on db-01', 'db-01'),
    alert('ssh', 'SSH brute force against bastion-01', 'bastion-01', 'security'),
    alert('lag', 'Replication lag on db-02', 'db-01'),
  ]);
  await postEvents(gateway, [{ kind: 'resolved', alertId: 'lag' }]);
  await expect(page.getByTestId('alert-row')).toHaveCount(2);
  await page.getByTestId('alert-row').filter({ hasText: 'Disk full' }).click();
  await page.keyboard.press('a');
  await expect(page.getByTestId('alert-row').filter({ hasText: 'Disk full' })).toContainText('✓');

  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-total')).toContainText('3 alerts match');
  await page.getByLabel('Search history').fill('replication');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-row')).toContainText('resolved');
  await page.getByLabel('Search history').fill('db-01 runbook'); // the host is searchable too
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  await expect(page.getByTestId('console-link')).toHaveCount(0);
  await page.getByTestId('history-row').filter({ hasText: 'Disk full' }).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('fired');
  await expect(timeline).toContainText(/acknowledged by \S+/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
  expect(download.suggestedFilename()).toMatch(/^tocsin-history-.*\.csv$/);
  expect(csv[0]).toMatch(/^feedId,alertId,status,severity/);
  // The export honours the current search: the two db-01 alerts, not the bastion one.
  expect(csv.filter((line) => line.includes(',disk,') || line.includes(',lag,'))).toHaveLength(2);
  expect(csv.some((line) => line.includes(',ssh,'))).toBe(false);
  await page.screenshot({ path: 'test-results/history.png' });
});
