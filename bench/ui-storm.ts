/**
 * UI under a storm: the browser console with a real core and a standalone gateway in
 * storm mode (10,000 alerts per minute; the demo estate's 100 metric series update every second),
 * in Debian's Chromium. Measures long tasks (> 50 ms) and frame intervals with PerformanceObserver
 * and requestAnimationFrame, against a baseline of the same page with a calm feed, in the same run;
 * and the board's first paint. Loopback only; bounded in time.
 *
 *   node scripts/build.mjs && npx tsx bench/ui-storm.ts [seconds=20]
 */
import { chromium, type Page } from 'playwright-core';
import { startConsole, startGatewayProcess } from '../tests/e2e/fixtures.js';
import { CHROMIUM_LAUNCH } from '../tests/support/chromium.js';

const seconds = Number(process.argv[2] ?? 20);
const launch = () => chromium.launch(CHROMIUM_LAUNCH);

type Figures = {
  longTasks: number;
  longestTaskMs: number;
  frames: number;
  p50FrameMs: number;
  p99FrameMs: number;
  maxFrameMs: number;
  rows: number;
};

/** Runs in the page (as text, so no transpiler helpers leak into it): long tasks and frame intervals. */
const MEASURE_IN_PAGE = `async (duration) => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
  observer.observe({ type: 'longtask', buffered: false });
  const frames = [];
  let last = performance.now();
  const end = last + duration;
  await new Promise((resolve) => {
    const tick = (now) => { frames.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(); };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  frames.sort((a, b) => a - b);
  const q = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
  const rows = Number(document.querySelector('.board')?.getAttribute('aria-rowcount') ?? 1) - 1;
  return { longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), frames: frames.length, p50FrameMs: q(0.5), p99FrameMs: q(0.99), maxFrameMs: frames[frames.length - 1], rows };
}`;

async function measure(page: Page, ms: number): Promise<Figures> {
  return (await page.evaluate(`(${MEASURE_IN_PAGE})(${ms})`)) as Figures;
}

async function run(stormPerMinute: number): Promise<{ firstPaintMs: number; figures: Figures }> {
  const gateway = await startGatewayProcess({ demo: true, stormPerMinute });
  const tocsin = await startConsole({ feed: gateway });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(tocsin.url);
    await page.locator('.app').waitFor();
    const firstPaintMs = (await page.evaluate(
      "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN",
    )) as number;
    await page.waitForTimeout(3_000); // let the storm build up
    return { firstPaintMs, figures: await measure(page, seconds * 1000) };
  } finally {
    await browser.close();
    await tocsin.process.stop();
    await gateway.process.stop();
  }
}

const calm = await run(0);
const storm = await run(10_000);
const line = (name: string, r: { firstPaintMs: number; figures: Figures }) =>
  `${name.padEnd(6)} first paint ${r.firstPaintMs.toFixed(0)} ms · active alerts on the board ${r.figures.rows} · long tasks ${r.figures.longTasks} (longest ${r.figures.longestTaskMs.toFixed(0)} ms) · frames p50 ${r.figures.p50FrameMs.toFixed(1)} ms, p99 ${r.figures.p99FrameMs.toFixed(1)} ms, max ${r.figures.maxFrameMs.toFixed(0)} ms`;
// A storm that never reached the board, or a page that drew nothing, measured nothing.
if (storm.figures.rows < calm.figures.rows + 100 || calm.figures.frames === 0 || storm.figures.frames === 0)
  throw new Error(
    `the storm did not reach the board (calm ${calm.figures.rows} rows, storm ${storm.figures.rows}; frames ${calm.figures.frames}/${storm.figures.frames})`,
  );
console.log(`UI storm benchmark, ${seconds} s each, 1440×900, Debian Chromium`);
console.log(line('calm', calm));
console.log(line('storm', storm));
console.log(
  `ratio storm/calm: p99 frame ${(storm.figures.p99FrameMs / calm.figures.p99FrameMs).toFixed(2)}×, frames rendered ${(storm.figures.frames / calm.figures.frames).toFixed(2)}×`,
);
