import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';

/**
 * Issue 10 point 5, in Chromium over `daemon --ui`: axe-core finds no serious or critical WCAG 2 A/AA violation in any
 * view, light or dark; at 800×600 nothing needs horizontal scrolling; Escape closes a dialog and focus returns to the
 * control that opened it.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWS = ['agents', 'alerts', 'archives', 'disk', 'activity', 'settings'] as const;
/** What each view shows once its data is in. */
const READY: Record<(typeof VIEWS)[number], string> = {
  agents: '[data-testid^="agent-row-"]',
  alerts: '[data-testid^="alert-"]',
  archives: '[data-testid="archives-list"], [data-testid="archives-empty"]',
  disk: '[data-testid^="disk-root-"]',
  activity: '[data-testid="activity-list"], [data-testid="activity-empty"]',
  settings: '[data-testid="settings-save"]',
};

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // Evaluated as text: this project's Node tsconfig has no DOM types.
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    );
}

/**
 * Reads which control has focus at the moment the element `testId` leaves the page: a mutation observer runs in the
 * same task as the removal, before any later frame could move focus back.
 */
async function focusOnRemoval(page: Page, testId: string): Promise<() => Promise<unknown>> {
  await page.evaluate(`(() => {
    const target = document.querySelector('[data-testid="${testId}"]');
    const seen = new MutationObserver(() => {
      if (target.isConnected) return;
      window.focusAtRemoval = document.activeElement?.getAttribute('data-testid') ?? null;
      seen.disconnect();
    });
    seen.observe(document.body, { childList: true, subtree: true });
  })()`);
  return () => page.evaluate('window.focusAtRemoval');
}

describe('layout and accessibility of the window (issue 10 point 5)', () => {
  let sb: Sandbox;
  let daemon: DaemonProcess;
  let browser: Browser;
  let url: string;

  before(async () => {
    sb = Sandbox.create();
    await sb.startSession('agent_run-1');
    await sb.startSession('agent_stray-9');
    const task = makeTask(sb.workspace, [
      { id: 'run-1', status: 'running', tmux_session: 'agent_run-1' },
      { id: 'done-2', status: 'completed', tmux_session: null },
    ]);
    task.log('run-1_stream.jsonl', 'x\n'.repeat(100));
    task.log('done-2_stream.jsonl', 'y\n'.repeat(100));
    // An archived file, so the Archives view has rows and actions to lay out.
    fs.mkdirSync(task.archive);
    const archived = 'old-9_stream.jsonl';
    fs.writeFileSync(path.join(task.archive, archived), 'z\n');
    fs.writeFileSync(
      path.join(task.archive, 'MANIFEST.jsonl'),
      JSON.stringify({
        ts: new Date().toISOString(),
        agentId: 'old-9',
        source: `logs/${archived}`,
        archive: `archive/${archived}`,
        bytes: 2,
        sha256: createHash('sha256').update('z\n').digest('hex'),
        compression: 'none',
        storedBytes: 2,
      }) + '\n',
    );
    const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    // A pinned finished agent and an orphan session put the coloured badges (pinned, warning) on screen for axe.
    fs.writeFileSync(configFile, JSON.stringify({ killGraceMs: 300, pins: ['done-2'] }));
    daemon = DaemonProcess.start(sb, ['--ui']);
    await daemon.waitFor((e) => e.event === 'ready');
    assert.ok(await waitFor(() => /UI at http/.test(daemon.stderr)), daemon.stderr);
    url = /UI at (\S+)/.exec(daemon.stderr)![1]!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    if (daemon) assert.equal(await daemon.stop(), 0);
    await sb?.cleanup();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious violation in any view, ${scheme} theme`, async () => {
      // axe is injected as a script: the page's CSP (script-src 'self') would refuse it, rightly, so the test bypasses it.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(url);
      const found: string[] = [];
      for (const view of VIEWS) {
        await page.getByTestId(`nav-${view}`).click();
        await page.locator(READY[view]).first().waitFor();
        found.push(...(await seriousViolations(page)).map((v) => `${view}: ${v}`));
      }
      await context.close();
      assert.deepEqual(found, []);
    });
  }

  it('at 800×600 no view scrolls sideways and every row action is on screen', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(url);
    for (const view of VIEWS) {
      await page.getByTestId(`nav-${view}`).click();
      await page.locator(READY[view]).first().waitFor();
      const overflow = await page.evaluate(`(() => {
        const scrolls = (e) => e.scrollWidth > e.clientWidth + 1 && !['visible', 'hidden'].includes(getComputedStyle(e).overflowX);
        const wide = [...document.querySelectorAll('body *')].filter(scrolls);
        return { page: document.documentElement.scrollWidth > window.innerWidth, scrollers: wide.map((e) => e.getAttribute('data-testid') ?? e.className).slice(0, 5) };
      })()`);
      assert.deepEqual(overflow, { page: false, scrollers: [] }, `${view} scrolls sideways`);
    }
    const onScreen = async (rows: string) => {
      await page.locator(`${rows} button`).first().waitFor();
      const buttons = await page.locator(`${rows} button`).all();
      assert.ok(buttons.length > 0, `${rows} has actions`);
      for (const button of buttons) {
        const box = await button.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 800, `${await button.innerText()} is on screen (${JSON.stringify(box)})`);
      }
    };
    await page.getByTestId('nav-agents').click();
    await onScreen('[data-testid^="agent-row-"]');
    await page.getByTestId('nav-archives').click();
    const toggle = page.locator('[data-testid^="archive-toggle-"]').first();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.locator('[data-testid^="archive-file-"]').first().waitFor();
    await onScreen('[data-testid^="archive-file-"]');
    await context.close();
  });

  it('Escape closes the log panel, and focus goes back to its Logs button', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByTestId('nav-agents').click();
    await page.locator(READY.agents).first().waitFor();
    await page.getByTestId('agent-logs-run-1').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('log-text').waitFor();
    // From a control inside the panel, which leaves with it.
    await page.getByTestId('log-reload').focus();
    const focusAtClose = await focusOnRemoval(page, 'log-panel');
    await page.keyboard.press('Escape');
    await page.getByTestId('log-panel').waitFor({ state: 'detached' });
    assert.equal(await focusAtClose(), 'agent-logs-run-1');
    assert.equal(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`), 'agent-logs-run-1');
    await page.close();
  });

  it('unsaved settings edits survive a switch to another view and back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-field-idleMinutes').fill('95');
    await page.getByTestId('nav-agents').click();
    await page.locator(READY.agents).first().waitFor();
    await page.getByTestId('nav-settings').click();
    assert.equal(await page.getByTestId('settings-field-idleMinutes').inputValue(), '95');
    await page.getByText('Unsaved changes.').waitFor();
    await page.getByTestId('settings-reset').click();
    assert.notEqual(await page.getByTestId('settings-field-idleMinutes').inputValue(), '95');
    await page.close();
  });

  it('the tab has the app icon as its favicon', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    const icon = await page.request.get(new URL(href ?? '', url).href);
    assert.equal(icon.status(), 200);
    assert.equal(icon.headers()['content-type'], 'image/png');
    assert.deepEqual([...(await icon.body()).subarray(1, 4)], [...Buffer.from('PNG')]);
    await page.close();
  });

  it('Escape closes a dialog, and focus goes back to the control that opened it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByTestId('nav-agents').click();
    await page.locator(READY.agents).first().waitFor();
    await page.getByTestId('agent-clean-run-1').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('preview-dialog').waitFor();
    const focusAtClose = await focusOnRemoval(page, 'preview-dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('preview-dialog').waitFor({ state: 'detached' });
    assert.equal(await focusAtClose(), 'agent-clean-run-1');
    assert.equal(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`), 'agent-clean-run-1');
    await page.close();
  });
});
