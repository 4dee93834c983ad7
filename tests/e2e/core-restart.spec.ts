/**
 * The console's core dies or hangs while alerts keep arriving: the page says "Core restarting"
 * within two seconds (never a calm, empty board), a real notification is raised (dunst, on a
 * private bus), the core comes back on its own, and every alert the gateway published meanwhile
 * is in the history exactly once, fired exactly once.
 */
import type { Page } from '@playwright/test';
import { startDesktopSession, type DesktopSession } from '../support/desktop-session.js';
import type { AlertRow, TimelineEntry } from '../../common/api/contract.js';
import { callApi, injectCoreFault, publishSteadily, startHookedConsole } from './core-fixtures.js';
import {
  expect,
  postEvents,
  startGatewayProcess,
  test,
  type ConsoleInstance,
  type GatewayInstance,
} from './fixtures.js';

type Seen = { at: number; core: string; feed: string; rows: number };

/** Heartbeat silence that counts as a hang here (the console's default is 3 s). */
const WATCHDOG_MS = 1_200;

let desktop: DesktopSession;
let gateway: GatewayInstance;
let tocsin: ConsoleInstance;
test.beforeEach(async () => {
  desktop = await startDesktopSession();
  gateway = await startGatewayProcess();
  tocsin = await startHookedConsole({ feed: gateway, watchdogMs: WATCHDOG_MS, desktopEnv: desktop.env });
});
test.afterEach(async () => {
  await tocsin?.process.stop();
  await gateway?.process.stop();
  await desktop?.stop();
});

/** Each published alert is in the history once, and its timeline says it fired once. */
async function expectEachOnce(alertIds: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const result = await callApi(tocsin, 'searchHistory', { filter: { status: 'any' }, limit: 1000 });
        if (!result.ok) return result.message;
        const rows = (result.value as { rows: AlertRow[] }).rows;
        const counts = new Map<string, number>();
        for (const row of rows) counts.set(row.alertId, (counts.get(row.alertId) ?? 0) + 1);
        return alertIds.filter((id) => counts.get(id) !== 1);
      },
      { timeout: 15_000, message: 'alerts not in the history exactly once' },
    )
    .toEqual([]);
  for (const alertId of alertIds) {
    const timeline = await callApi(tocsin, 'timeline', { feedId: 'cli', alertId });
    expect(timeline.ok && (timeline.value as TimelineEntry[]).filter((e) => e.kind === 'fired').length, alertId).toBe(
      1,
    );
  }
}

async function restartScenario(
  page: Page,
  fault: 'crash' | 'hang',
): Promise<{ shownAfterMs: number; backAfterMs: number; published: number }> {
  await page.goto(tocsin.url);
  await expect(page.getByTestId('feed-cli')).toContainText('Live');
  await postEvents(gateway, {
    kind: 'fired',
    alertId: 'before',
    alert: {
      title: 'Fired before the fault',
      body: 'b',
      severity: 'critical',
      category: 'outage',
      host: 'db-01',
      labels: {},
    },
  });
  await expect(page.getByTestId('alert-row').filter({ hasText: 'Fired before the fault' })).toBeVisible();

  // Every change of the status bar is recorded in the page: the outage may be shorter than a poll.
  await page.evaluate(() => {
    const seen: Seen[] = [];
    (window as unknown as { seen: Seen[] }).seen = seen;
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
    new MutationObserver(() => {
      const now = {
        at: Date.now(),
        core: text('core-status'),
        feed: text('feed-cli'),
        rows: document.querySelectorAll('[data-testid="alert-row"]').length,
      };
      if (seen.at(-1)?.core !== now.core || seen.at(-1)?.feed !== now.feed) seen.push(now);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const publisher = publishSteadily((event) => postEvents(gateway, event), fault, 100);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const faultAt = Date.now();
  injectCoreFault(tocsin, fault);
  const coreStatus = page.getByTestId('core-status');
  await expect(coreStatus).toContainText('Core restarting', { timeout: 2_000 });
  await expect(coreStatus).toHaveCount(0, { timeout: 15_000 });
  const backAfterMs = Date.now() - faultAt;

  const seen = await page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
  const outage = seen.filter((s) => s.core !== '');
  const shownAfterMs = outage[0]!.at - faultAt;
  for (const s of outage) {
    expect(s.core).toMatch(
      fault === 'crash'
        ? /^✕ Core restarting — the core worker failed: RangeError: test hook: the core crashed on purpose · (retrying in \d+ s|starting now)/
        : /^✕ Core restarting — the core stopped answering \(no heartbeat for [\d.]+ s\)/,
    );
    expect(s.feed).toMatch(/Disconnected Command-line feed .* · core restarting: /);
    // The board keeps what it knew: the outage is loud, and it is not an empty board.
    expect(s.rows).toBeGreaterThan(0);
  }
  await expect(page.getByTestId('feed-cli')).toContainText('Live', { timeout: 15_000 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const published = await publisher.stop();
  expect(published.length).toBeGreaterThan(5);
  await expectEachOnce(['before', ...published]);
  // The page's board holds every one of them too (the list is virtualised: count, not rows).
  await expect(page.getByTestId('board-shown')).toContainText(`of ${published.length + 1} active`);

  // One notification, through the real notification server.
  await expect
    .poll(() => desktop.notifyCalls().filter((call) => call.includes('Tocsin core restarting')).length, {
      timeout: 5_000,
    })
    .toBe(1);
  const call = desktop.notifyCalls().find((c) => c.includes('Tocsin core restarting'))!;
  expect(call).toContain(fault === 'crash' ? 'test hook: the core crashed on purpose' : 'the core stopped answering');
  expect(tocsin.process.output()).toMatch(
    fault === 'crash'
      ? /tocsin: core down: the core worker failed: RangeError: test hook: the core crashed on purpose \(exit code 1\)/
      : /tocsin: core down: the core stopped answering \(no heartbeat for [\d.]+ s\) \(exit code 1\)/,
  );
  return { shownAfterMs, backAfterMs, published: published.length };
}

test('a crashed core is shown restarting within two seconds and comes back without losing an alert', async ({
  page,
}) => {
  const timing = await restartScenario(page, 'crash');
  expect(timing.shownAfterMs).toBeLessThan(2_000);
  console.log(
    `crash: page showed Core restarting after ${timing.shownAfterMs} ms, back after ${timing.backAfterMs} ms, ${timing.published} alerts published meanwhile`,
  );
});

test('a hung core is shown restarting within two seconds and comes back without losing an alert', async ({ page }) => {
  const timing = await restartScenario(page, 'hang');
  expect(timing.shownAfterMs).toBeLessThan(2_000);
  console.log(
    `hang: page showed Core restarting after ${timing.shownAfterMs} ms, back after ${timing.backAfterMs} ms, ${timing.published} alerts published meanwhile`,
  );
});
