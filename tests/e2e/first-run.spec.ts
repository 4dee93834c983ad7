/**
 * The vertical slice: with no configuration the console starts the embedded demo
 * gateway; a demo alert travels over a real WebSocket into the core, is committed to a real
 * SQLite file, and appears on the board in Chromium within five seconds.
 */
import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.js';

test('a demo alert appears on the board within 5 s and its row is in the history database', async ({
  page,
  tocsin,
}) => {
  const opened = Date.now();
  await page.goto(tocsin.url);
  const firstRow = page.getByRole('row').filter({ hasText: /\S/ }).first();
  await expect(firstRow).toBeVisible({ timeout: 5_000 });
  expect(Date.now() - opened).toBeLessThan(5_000);
  await expect(page.getByText(/embedded demo/i).first()).toBeVisible();

  // The alert on screen came through the store: find its title in the console's SQLite history.
  const title = (await page.getByTestId('alert-title').first().textContent())?.trim();
  expect(title).toBeTruthy();
  const historyFile = readdirSync(tocsin.dataDir).find(
    (name) => name.startsWith('history') && name.endsWith('.sqlite'),
  );
  expect(historyFile, `a history database in ${tocsin.dataDir}`).toBeTruthy();
  const db = new Database(join(tocsin.dataDir, historyFile!), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT title FROM alerts WHERE title = ?').get(title) as { title: string } | undefined;
    expect(row?.title).toBe(title);
  } finally {
    db.close();
  }
});

test('the console refuses a page request without its token', async ({ request, tocsin }) => {
  const root = new URL(tocsin.url);
  root.search = '';
  const response = await request.get(root.toString());
  expect(response.status()).toBe(401);
  expect(await response.text()).toContain('needs its access token');
});
