/**
 * Untrusted text in Chromium, measured from the DOM: a host carrying a right-to-left override
 * (U+202E) reverses nothing but itself, and hosts as long as the protocol allows (512
 * characters: one with break opportunities, one without) stay on one line in their cell, so
 * the rows above and below keep their severity and title fully visible. The detail shows the
 * whole value, wrapped, with its "host · service · source" line in order.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, postEvents, test } from './fixtures.js';

const RLO = '\u202E';
const RLO_HOST = `edge-01${RLO}`;
const BROKEN_HOST = Array.from({ length: 64 }, (_, i) => `shard-${String(i).padStart(2, '0')}`)
  .join('.')
  .slice(0, 512);
const SOLID_HOST = `solid${'x'.repeat(507)}`;
const fired = (alertId: string, title: string, severity: string, host: string, service?: string) => ({
  kind: 'fired',
  alertId,
  alert: {
    title,
    body: `${title}: details`,
    severity,
    category: 'outage',
    host,
    ...(service ? { service } : {}),
    labels: { team: 'web' },
  },
});
// Board order (grouped by severity, newest first within a group): above, the three hostile rows, below.
const ALERTS = [
  fired('above', 'Primary database down', 'critical', 'db-01'),
  fired('solid', 'Solid long host', 'high', SOLID_HOST),
  fired('broken', 'Broken long host', 'high', BROKEN_HOST),
  fired('rlo', 'Override in host', 'high', RLO_HOST, 'http'),
  fired('below', 'Disk filling on store-02', 'warning', 'store-02'),
  fired('last', 'Certificate expires in 20 days', 'info', 'www-01'),
];
const row = (page: Page, title: string) => page.getByTestId('alert-row').filter({ hasText: title });

type Box = { top: number; bottom: number; left: number; right: number };
/** A row's box, its cells' boxes, and per cell whether its content fits and is what is drawn at its centre. */
async function measureRow(locator: Locator) {
  return locator.evaluate((rowEl) => {
    const box = (r: DOMRect): Box => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right });
    const cells = [...rowEl.querySelectorAll(':scope > [role="gridcell"]')] as HTMLElement[];
    return {
      row: box(rowEl.getBoundingClientRect()),
      cells: cells.map((cell) => {
        const content = (cell.firstElementChild ?? cell) as HTMLElement;
        const r = content.getBoundingClientRect();
        const hit = document.elementFromPoint(Math.min(r.left + 8, r.right - 1), (r.top + r.bottom) / 2);
        const style = getComputedStyle(cell);
        return {
          box: box(cell.getBoundingClientRect()),
          fits: cell.scrollWidth <= cell.clientWidth && cell.scrollHeight <= cell.clientHeight + 1,
          drawnHere: hit !== null && cell.contains(hit),
          lines: new Set([...content.getClientRects()].map((line) => Math.round(line.top))).size,
          clipped: style.overflowX === 'hidden' && style.textOverflow === 'ellipsis' && style.whiteSpace === 'nowrap',
          title: cell.getAttribute('title'),
        };
      }),
    };
  });
}

test('a right-to-left override and very long hosts stay in their own cells; the detail reads in order', async ({
  page,
  linked: { gateway, tocsin },
}) => {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  await postEvents(gateway, ALERTS);
  await expect(page.getByTestId('alert-row')).toHaveCount(ALERTS.length);
  expect((await page.getByTestId('alert-title').allTextContents()).map((t) => t.trim())).toEqual([
    'Primary database down',
    'Override in host',
    'Broken long host',
    'Solid long host',
    'Disk filling on store-02',
    'Certificate expires in 20 days',
  ]);

  // Every row: inside its own band, cells side by side within it, none drawn over by another row.
  const rows = await Promise.all(ALERTS.map((a) => measureRow(row(page, a.alert.title))));
  const byTop = [...rows].sort((a, b) => a.row.top - b.row.top);
  for (let i = 1; i < byTop.length; i++)
    expect(byTop[i]!.row.top).toBeGreaterThanOrEqual(byTop[i - 1]!.row.bottom - 0.5);
  for (const measured of rows) {
    for (const [i, cell] of measured.cells.entries()) {
      expect(cell.box.top).toBeGreaterThanOrEqual(measured.row.top - 0.5);
      expect(cell.box.bottom).toBeLessThanOrEqual(measured.row.bottom + 0.5);
      if (i > 0) expect(cell.box.left).toBeGreaterThanOrEqual(measured.cells[i - 1]!.box.right - 0.5);
    }
  }
  // The neighbours' severity and title: whole (nothing cut off) and what is drawn there.
  for (const title of [
    'Primary database down',
    'Override in host',
    'Disk filling on store-02',
    'Certificate expires in 20 days',
  ]) {
    const [severity, , alert] = rows[ALERTS.findIndex((a) => a.alert.title === title)]!.cells;
    for (const cell of [severity!, alert!]) expect(cell).toMatchObject({ fits: true, drawnHere: true, lines: 1 });
  }
  // The long hosts: one line, cut with an ellipsis before the Age column, whole in the title.
  for (const [id, host] of [
    ['solid', SOLID_HOST],
    ['broken', BROKEN_HOST],
  ] as const) {
    const { cells } = rows[ALERTS.findIndex((a) => a.alertId === id)]!;
    expect(cells[3]).toMatchObject({ fits: false, lines: 1, clipped: true, title: host });
    expect(cells[3]!.box.right).toBeLessThanOrEqual(cells[4]!.box.left + 0.5);
    expect(cells[4]).toMatchObject({ fits: true, drawnHere: true });
  }

  // The override's detail: host, service and source each isolated, drawn left to right in that
  // order with the separators between them, and "http" drawn as http, not ptth.
  await row(page, 'Override in host').dblclick();
  const meta = page.getByTestId('detail-meta');
  await expect(meta.locator('bdi')).toHaveText([RLO_HOST, 'http', 'http']);
  const order = await meta.evaluate((p) => {
    const span = (node: Node, start: number, end: number) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right };
    };
    const pieces: Array<{ what: string; left: number; right: number; glyphs: Array<{ left: number; right: number }> }> =
      [];
    for (const node of p.childNodes) {
      const text = node.textContent ?? '';
      if (node.nodeType === Node.TEXT_NODE) {
        const dot = text.indexOf('·');
        if (dot >= 0) pieces.push({ what: '·', ...span(node, dot, dot + 1), glyphs: [] });
      } else {
        const r = (node as Element).getBoundingClientRect();
        const inner = node.firstChild!;
        pieces.push({
          what: text,
          left: r.left,
          right: r.right,
          glyphs: [...text].map((_, i) => span(inner, i, i + 1)),
        });
      }
    }
    return pieces;
  });
  expect(order.map((piece) => piece.what)).toEqual([RLO_HOST, '·', 'http', '·', 'http']);
  for (let i = 1; i < order.length; i++) expect(order[i]!.left).toBeGreaterThanOrEqual(order[i - 1]!.right - 0.5);
  for (const service of order.filter((piece) => piece.what === 'http')) {
    // Each glyph right of the one before: "http" drawn as http, not ptth.
    for (let i = 1; i < service.glyphs.length; i++)
      expect(service.glyphs[i]!.left).toBeGreaterThanOrEqual(service.glyphs[i - 1]!.right - 0.5);
  }
  await page.screenshot({ path: 'test-results/screens/untrusted-text.png' });

  // A long host's detail: the whole value, wrapped inside the panel (no sideways scrolling).
  await row(page, 'Solid long host').dblclick();
  await expect(page.getByTestId('detail-title')).toHaveText('Solid long host');
  await expect(page.getByTestId('detail-meta').locator('bdi').first()).toHaveText(SOLID_HOST);
  const detail = await page.getByRole('complementary', { name: 'Alert detail' }).evaluate((aside) => {
    const metaEl = aside.querySelector('[data-testid="detail-meta"]') as HTMLElement;
    return {
      asideFits: aside.scrollWidth <= aside.clientWidth,
      metaFits: metaEl.scrollWidth <= metaEl.clientWidth,
      metaLines: Math.round(metaEl.getBoundingClientRect().height / parseFloat(getComputedStyle(metaEl).lineHeight)),
    };
  });
  expect(detail).toMatchObject({ asideFits: true, metaFits: true });
  expect(detail.metaLines).toBeGreaterThan(3);
  await page.screenshot({ path: 'test-results/screens/untrusted-text-long-host.png' });

  // History: the same hosts stay in their column; the table is no wider than its view.
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-row')).toHaveCount(ALERTS.length);
  const history = await page.locator('.history').evaluate((section) => {
    const table = section.querySelector('table')!;
    const rowHeights = [...section.querySelectorAll('[data-testid="history-row"]')].map(
      (tr) => tr.getBoundingClientRect().height,
    );
    return {
      tableFits: table.getBoundingClientRect().right <= section.getBoundingClientRect().right + 0.5,
      tallest: Math.max(...rowHeights),
      shortest: Math.min(...rowHeights),
    };
  });
  expect(history.tableFits).toBe(true);
  expect(history.tallest).toBeLessThanOrEqual(history.shortest + 1);
  await page.screenshot({ path: 'test-results/screens/untrusted-text-history.png' });
});
