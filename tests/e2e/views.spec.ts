/**
 * Every view in both themes, against the embedded demo feed: a screenshot of each (saved in
 * test-results/screens for people to look at) and a measured WCAG AA contrast check of every
 * piece of visible text against the background it is drawn on.
 */
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures.js';

const SCREENS = 'test-results/screens';
type Theme = 'dark' | 'light';

/**
 * Every visible text in the page measured: how many, the lowest ratio, and those that fail AA
 * (4.5:1, or 3:1 for large text: 24 px, or 18.66 px bold).
 */
async function measureContrast(page: Page): Promise<{ checked: number; lowest: number; failures: string[] }> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (css: string): RGBA => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) throw new Error(`unexpected colour ${css}`);
      const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [r!, g!, b!, a ?? 1];
    };
    const over = (top: RGBA, bottom: RGBA): RGBA => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      return [0, 1, 2].map((i) => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / (a || 1)).concat(a) as RGBA;
    };
    const background = (element: Element | null): RGBA => {
      const chain: RGBA[] = [];
      for (let e = element; e; e = e.parentElement) chain.push(parse(getComputedStyle(e).backgroundColor));
      return chain.reduceRight<RGBA>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]: RGBA) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const failures: string[] = [];
    let lowest = Infinity;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || seen.has(element) || !node.textContent?.trim()) continue;
      seen.add(element);
      if (element.closest('.visually-hidden, option, [aria-hidden="true"]')) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const bg = background(element);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi! + 0.05) / (lo! + 0.05);
      const size = parseFloat(style.fontSize);
      lowest = Math.min(lowest, ratio);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}" (${element.tagName.toLowerCase()}.${element.className})`);
    }
    return { checked: seen.size, lowest, failures };
  });
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
  test(`every view in the ${theme} theme: screenshots, and all text passes WCAG AA contrast`, async ({ page, tocsin }) => {
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
