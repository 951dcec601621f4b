import type { Browser, Page } from 'playwright-core';
import { sleep } from './daemon-measure.js';

/**
 * The browser half of `npm run bench:ui`: in Chromium, over `daemon --ui`, the time from navigation to the first agent
 * row on screen, then the time of each view switch, from the click on the nav link to the first frame that shows the
 * new view's content (its data, not the empty frame the view draws while its call is out).
 */

export const AGENT_ROW = '[data-testid^="agent-row-"]';

/**
 * The switches, in order, from Agents. Each selector matches only once the view's data has arrived (every view is
 * remounted on a switch, so nothing of the previous visit is left), and covers both an empty and a filled listing.
 * Alerts: its cards, or its empty note. Archives: a task row, or its empty note. Activity: an entry, or its empty
 * note. Settings: the form's Save button, which is drawn once the settings are loaded. Agents: a row.
 */
export const SWITCHES: readonly { view: string; selector: string }[] = [
  { view: 'alerts', selector: '[data-testid="alerts-empty"], [data-testid="alerts-list"] > [data-testid^="alert-"]' },
  { view: 'archives', selector: '[data-testid="archives-empty"], [data-testid^="archive-task-"]' },
  { view: 'activity', selector: '[data-testid="activity-empty"], [data-testid="activity-entry"]' },
  { view: 'settings', selector: '[data-testid="settings-save"]' },
  { view: 'agents', selector: AGENT_ROW },
];

/** A selector that never appears within this is a failed measurement, not a slow one: a guard, not a target. */
export const LIMIT_MS = 60_000;

/**
 * Between two switches: the previous view's trailing work (its other calls, a re-render when they answer) ends before
 * the next click, as it would for someone reading the view. The pause is not counted.
 */
const SETTLE_MS = 500;

export interface RunTimes {
  /** Node: performance.now() before page.goto to Playwright seeing the first agent row visible. */
  loadMs: number;
  /** In the page: navigation start (performance.timeOrigin) to the first animation frame with an agent row. */
  loadInPageMs: number;
  /** In the page: the click on `nav-<view>` to the first animation frame with the view's content; `shown`: the data-testid it found. */
  switches: { view: string; ms: number; shown: string }[];
  /** Uncaught page errors and console errors seen during the run. */
  pageErrors: string[];
}

/**
 * Installed before any of the page's scripts. A frame is checked from requestAnimationFrame, which runs just before
 * the browser paints it: the time taken there is when the content is first drawn, not merely put in the DOM. The
 * check looks for an element with a box that is not hidden (what Playwright calls visible). Plain JS, as it runs in
 * the page, where this project's tsconfig has no DOM types.
 */
const IN_PAGE = `(() => {
  const visible = (sel) => {
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true })) return el.getAttribute('data-testid') || el.tagName;
    }
    return null;
  };
  const frameWith = (sel, limitMs) => new Promise((resolve, reject) => {
    const until = performance.now() + limitMs;
    const tick = () => {
      const now = performance.now();
      const found = visible(sel);
      if (found) resolve([now, found]);
      else if (now > until) reject(new Error(sel + ' not visible within ' + limitMs + ' ms'));
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const bench = { firstRow: null, firstRowError: null };
  bench.switchTo = (nav, sel, limitMs) => {
    const link = document.querySelector('[data-testid="' + nav + '"]');
    if (!link) return Promise.reject(new Error('no ' + nav + ' link'));
    if (visible(sel)) return Promise.reject(new Error(sel + ' was already visible before the click on ' + nav));
    const t0 = performance.now();
    link.click();
    return frameWith(sel, limitMs).then(([t, found]) => [t - t0, found]);
  };
  frameWith(${JSON.stringify(AGENT_ROW)}, ${LIMIT_MS}).then(([t]) => { bench.firstRow = t; }, (e) => { bench.firstRowError = String(e); });
  window.__ajBench = bench;
})();`;

/** A page-side promise, bounded on the Node side too, in case the page stops producing frames altogether. */
async function bounded<T>(what: string, p: Promise<T>, limitMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer from the page within ${limitMs} ms`)), limitMs)),
  );
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function asNumber(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: the page returned ${JSON.stringify(v)}, not a time`);
  return v;
}

/** The page's count line ("10,000 agents of 10,000 · …") must name the fixture's agents: the bench measured the right tree. */
async function checkCount(page: Page, agents: number): Promise<void> {
  const want = `of ${agents.toLocaleString('en-US')} `;
  const deadline = performance.now() + LIMIT_MS;
  let text = '';
  while (performance.now() < deadline) {
    text = (await page.getByTestId('agents-count').textContent()) ?? '';
    if (text.includes(want)) return;
    await sleep(100);
  }
  throw new Error(`the Agents view shows "${text}", not all ${agents} agents of the fixture`);
}

/** One run: a fresh browser context (no cache, no session storage), the page loaded, then every switch of SWITCHES. */
export async function measureRun(browser: Browser, url: string, agents: number, check: boolean): Promise<RunTimes> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript({ content: IN_PAGE });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });

    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: LIMIT_MS });
    try {
      await page.locator(AGENT_ROW).first().waitFor({ state: 'visible', timeout: LIMIT_MS });
    } catch {
      throw new Error(
        `no agent row (${AGENT_ROW}) was visible within ${LIMIT_MS} ms of navigation; page errors: ${pageErrors.join('; ') || 'none'}`,
      );
    }
    const loadMs = performance.now() - t0;
    // The page's own stamp is taken in the frame that drew the row, so it is there by now or a frame later.
    let loadInPage: unknown = null;
    for (let i = 0; i < 100 && loadInPage === null; i++) {
      const state: unknown = await page.evaluate('window.__ajBench && [window.__ajBench.firstRow, window.__ajBench.firstRowError]');
      if (!Array.isArray(state)) throw new Error('the in-page timer was not installed');
      if (typeof state[1] === 'string') throw new Error(`in the page: ${state[1]}`);
      loadInPage = state[0];
      if (loadInPage === null) await sleep(20);
    }
    const loadInPageMs = asNumber('first agent row, in the page', loadInPage);
    if (check) await checkCount(page, agents);

    const switches: RunTimes['switches'] = [];
    for (const { view, selector } of SWITCHES) {
      await sleep(SETTLE_MS);
      const call = page.evaluate(`window.__ajBench.switchTo(${JSON.stringify(`nav-${view}`)}, ${JSON.stringify(selector)}, ${LIMIT_MS})`);
      let answer: unknown;
      try {
        answer = await bounded(`switch to ${view}`, call, LIMIT_MS + 5_000);
      } catch (err) {
        throw new Error(
          `switch to ${view}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}; page errors: ${pageErrors.join('; ') || 'none'}`,
        );
      }
      const [ms, shown]: unknown[] = Array.isArray(answer) ? answer : [];
      switches.push({ view, ms: asNumber(`switch to ${view}`, ms), shown: String(shown) });
    }
    return { loadMs, loadInPageMs, switches, pageErrors };
  } finally {
    await context.close();
  }
}
