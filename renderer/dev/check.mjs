// Drives the dev harness (dist/renderer-mock: the real window over renderer/dev/mock-api.ts) in headless Chromium
// and checks each view does what a person would do with it, under the app's CSP. Screenshots of every view go to
// --shots DIR (default: a new temp folder). Needs Chromium: CHROMIUM=/path or /usr/bin/chromium.
// Run: npm run check:renderer
/* global document, window -- the page.evaluate callbacks run in the browser */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { checkFinishing, checkNarrow } from './check-finishing.mjs';
import { checkActivityPages, checkAgentsAtScale, checkAlertGroup } from './check-scale.mjs';
import { serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shotsArg = process.argv.indexOf('--shots');
const shots = shotsArg > 0 ? process.argv[shotsArg + 1] : mkdtempSync(path.join(os.tmpdir(), 'janitor-shots-'));
const { url, close } = await serve(path.join(here, '../../dist/renderer-mock'));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const problems = [];
let step = '';

async function open(query, hash, colorScheme = 'light', width = 1400) {
  const page = await browser.newPage({ viewport: { width, height: 860 }, colorScheme });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${step}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${step}: page error: ${e.message}`));
  await page.goto(`${url}${query}${hash}`);
  await page.getByTestId('status-line').filter({ hasNotText: 'Connecting' }).waitFor();
  return page;
}
const tid = (page, id) => page.getByTestId(id);
const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const rowCount = (page) => page.locator('.vlist-item').count();

try {
  step = 'agents';
  let page = await open('?agents=10000&latency=20&sweepEvery=0', '#/agents?tab=all');
  await page.locator('[data-testid^="agent-row-"]').first().waitFor();
  assert.match(await tid(page, 'agents-count').innerText(), /10,000 agents of 10,000/);
  let rows = await rowCount(page);
  assert.ok(rows > 10 && rows < 200, `virtualized: ${rows} rows in the DOM for 10,000 agents`);
  await shot(page, 'agents');
  const list = tid(page, 'agents-list');
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForTimeout(200);
  rows = await rowCount(page);
  assert.ok(rows < 200, `still virtualized after scrolling: ${rows}`);
  const lastIndex = await page.locator('.vlist-item').last().getAttribute('data-index');
  assert.ok(Number(lastIndex) > 10_000, `scrolled to the end (last index ${lastIndex})`);
  await list.evaluate((el) => (el.scrollTop = 0));

  step = 'finishing agents';
  await checkFinishing(page, shot);

  step = 'agents filters';
  await tid(page, 'agents-search').fill('fixer');
  await page.waitForFunction(() => !document.querySelector('[data-testid="agents-count"]')?.textContent?.startsWith('10,000'));
  const visibleIds = await page.locator('[data-testid^="agent-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  assert.ok(
    visibleIds.length > 0 && visibleIds.every((id) => id.includes('fixer')),
    `search keeps only fixer agents: ${visibleIds.slice(0, 3)}`,
  );
  await tid(page, 'agents-search').fill('');
  await tid(page, 'agents-verdict').selectOption('finished');
  await page.waitForTimeout(250);
  const verdicts = await page.locator('[data-testid^="agent-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
  assert.ok(verdicts.length > 0 && verdicts.every((v) => v === 'finished'), 'verdict filter');

  step = 'agent clean';
  const firstRow = page.locator('[data-testid^="agent-row-"]').first();
  const agentId = (await firstRow.getAttribute('data-testid')).slice('agent-row-'.length);
  await tid(page, `agent-clean-${agentId}`).click();
  await tid(page, 'preview-dialog').waitFor();
  await tid(page, 'preview-action').first().waitFor();
  const planned = await tid(page, 'preview-action').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
  assert.ok(planned.includes('planned'), `preview lists planned actions: ${planned}`);
  await shot(page, 'agents-preview');
  await tid(page, 'confirm-clean').click();
  await tid(page, 'clean-result').first().waitFor();
  const outcomes = await tid(page, 'clean-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
  assert.ok(
    outcomes.every((o) => o === 'done' || o === 'failed' || o === 'skipped'),
    `results: ${outcomes}`,
  );
  await shot(page, 'agents-cleaned');
  await tid(page, 'clean-close').click();
  await tid(page, 'preview-dialog').waitFor({ state: 'detached' });

  step = 'agent pin and logs';
  await tid(page, 'agents-verdict').selectOption('active');
  await page.waitForTimeout(250);
  const activeId = (await page.locator('[data-testid^="agent-row-"]').first().getAttribute('data-testid')).slice('agent-row-'.length);
  await tid(page, `agent-pin-${activeId}`).click();
  await page.waitForFunction((id) => document.querySelector(`[data-testid="agent-pin-${id}"]`)?.textContent === 'Unpin', activeId);
  await tid(page, `agent-logs-${activeId}`).click();
  await tid(page, 'log-text').waitFor();
  assert.ok((await tid(page, 'log-text').innerText()).length > 100, 'log text shown');
  await tid(page, 'log-open-editor').waitFor();
  await shot(page, 'agents-log');

  step = 'full sweep preview, 10,000 agents';
  await tid(page, 'clean-all').click();
  await tid(page, 'preview-action').first().waitFor();
  assert.equal(await tid(page, 'preview-action').count(), 1000, 'a huge preview lists the first 1000 actions');
  assert.match(await tid(page, 'preview-action-more').innerText(), /more actions/);
  await tid(page, 'cancel-clean').click();
  await page.close();

  step = 'header';
  page = await open('?agents=300&latency=20&sweepEvery=0', '#/agents');
  await tid(page, 'pause-toggle').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="status-line"]')?.textContent?.startsWith('Paused'));
  assert.equal(await tid(page, 'pause-toggle').innerText(), 'Resume');
  await tid(page, 'pause-toggle').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="pause-toggle"]')?.textContent === 'Pause');
  await tid(page, 'clean-all').click();
  await tid(page, 'preview-action').first().waitFor();
  await shot(page, 'full-sweep-preview');
  await tid(page, 'confirm-clean').click();
  await tid(page, 'clean-result').first().waitFor();
  // The mock fails some kills; failures are listed first, each with its error.
  assert.equal(await tid(page, 'clean-result').first().getAttribute('data-outcome'), 'failed');
  assert.match(await tid(page, 'clean-result-error').first().innerText(), /timed out/);
  assert.match(await tid(page, 'clean-summary').innerText(), /failed/);
  await shot(page, 'full-sweep-result');
  await tid(page, 'clean-close').click();

  step = 'alerts deep link';
  const ghostId = await page.evaluate(async () => (await window.janitor.listAlerts({})).find((a) => a.kind === 'ghost-agent')?.id);
  assert.ok(ghostId, 'the mock has a ghost alert');
  await page.evaluate((id) => (window.location.hash = `#/alerts/${encodeURIComponent(id)}`), ghostId);
  const card = tid(page, `alert-${ghostId}`);
  await card.waitFor();
  assert.match((await card.getAttribute('class')) ?? '', /selected/);
  assert.ok(
    await card.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }),
    'selected alert in view',
  );
  await shot(page, 'alerts');
  await tid(page, `alert-fix-${ghostId}`).click();
  await tid(page, `alert-effect-${ghostId}`).waitFor();
  await tid(page, `alert-fix-confirm-${ghostId}`).click();
  await tid(page, `alert-result-${ghostId}`).waitFor();
  assert.match(await tid(page, `alert-result-${ghostId}`).innerText(), /done/);
  await tid(page, `alert-${ghostId}`).waitFor({ state: 'detached' });
  const zombie = page.locator('[data-kind="zombie"]');
  assert.match(await zombie.innerText(), /Nothing one click can safely do/);

  step = 'archives';
  await tid(page, 'nav-archives').click();
  const firstTask = page.locator('[data-testid^="archive-task-"]').first();
  await firstTask.waitFor();
  const task = (await firstTask.getAttribute('data-testid')).slice('archive-task-'.length);
  await tid(page, `archive-toggle-${task}`).click();
  const fileRow = page.locator(`[data-testid^="archive-file-${task}/"]`).first();
  await fileRow.waitFor();
  const fileId = (await fileRow.getAttribute('data-testid')).slice('archive-file-'.length);
  assert.match(
    (await tid(page, `archive-restore-${fileId}`).getAttribute('title')) ?? '',
    /^Restore to its folder: (logs|progress|findings)\//,
  );
  await tid(page, `archive-restore-${fileId}`).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="archive-message"]')?.textContent?.startsWith('Restored'));
  assert.match(await tid(page, 'archive-message').innerText(), /to its folder: (logs|progress|findings)\/[^ ]+ in TASK-/);
  assert.doesNotMatch(await tid(page, 'archive-message').innerText(), /restored\//);
  await tid(page, `archive-reveal-${fileId}`).waitFor();
  await shot(page, 'archives');
  await tid(page, `archive-delete-${fileId}`).click();
  await tid(page, 'archive-delete-confirm').waitFor();
  await tid(page, 'confirm-ok').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="archive-message"]')?.textContent?.startsWith('Deleted'));
  await tid(page, `archive-file-${fileId}`).waitFor({ state: 'detached' });
  assert.match(await tid(page, 'retention-summary').innerText(), /stay uncompressed for 1 day.*files? will be compressed/s);
  await tid(page, 'retention-toggle').click();
  await tid(page, 'retention-item').first().waitFor();
  await shot(page, 'archives-retention');
  await tid(page, 'retention-apply').click();
  await tid(page, 'retention-confirm').waitFor();
  await tid(page, 'confirm-ok').click();
  await tid(page, 'retention-result').waitFor();
  assert.match(await tid(page, 'retention-result').innerText(), /Removed \d+ archive files?/);

  step = 'disk';
  await tid(page, 'nav-disk').click();
  await tid(page, 'disk-chart').locator('canvas').waitFor();
  await tid(page, 'disk-task-row').first().waitFor();
  const sizes = async () => tid(page, 'disk-task-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
  const byTotal = await sizes();
  await tid(page, 'disk-sort-task').click();
  await page.waitForTimeout(100);
  const byName = await sizes();
  assert.deepEqual(byName, [...byName].sort(), 'sorted by task name');
  assert.notDeepEqual(byName, byTotal);
  assert.match(await tid(page, 'disk-reclaim').innerText(), /Retention would reclaim/);
  await shot(page, 'disk');

  step = 'activity';
  await tid(page, 'nav-activity').click();
  await tid(page, 'activity-entry').first().waitFor();
  await tid(page, 'activity-search').fill('timed out');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="activity-entry"]')].every((e) => e.getAttribute('data-failed') === 'true'),
  );
  assert.ok((await tid(page, 'activity-entry').count()) > 0, 'failed entries found');
  await shot(page, 'activity');

  step = 'settings';
  await tid(page, 'nav-settings').click();
  await tid(page, 'settings-field-retention.maxAgeDays').fill('-3');
  await tid(page, 'settings-save').click();
  await tid(page, 'settings-error-retention.maxAgeDays').waitFor();
  await shot(page, 'settings-error');
  await tid(page, 'settings-field-retention.maxAgeDays').fill('14');
  await tid(page, 'settings-error-retention.maxAgeDays').waitFor({ state: 'detached' });
  assert.equal(await tid(page, 'settings-field-finishGraceSeconds').inputValue(), '180');
  assert.equal(await tid(page, 'settings-field-timeouts.databaseMs').inputValue(), '1000');
  await tid(page, 'settings-field-finishGraceSeconds').fill('-5');
  await tid(page, 'settings-field-timeouts.databaseMs').fill('0');
  await tid(page, 'settings-error-finishGraceSeconds').waitFor();
  await tid(page, 'settings-error-timeouts.databaseMs').waitFor();
  await tid(page, 'settings-field-finishGraceSeconds').fill('30');
  await tid(page, 'settings-field-timeouts.databaseMs').fill('1500');
  await tid(page, 'settings-never-compressAfterDays').check();
  assert.equal(await tid(page, 'settings-field-compressAfterDays').isDisabled(), true);
  await tid(page, 'settings-add-roots').click();
  await tid(page, 'settings-field-roots.2').fill('relative/dir');
  await tid(page, 'settings-save').click();
  await tid(page, 'settings-error-roots.2').waitFor();
  assert.match(await tid(page, 'settings-error-roots.2').innerText(), /absolute/);
  await tid(page, 'settings-remove-roots.2').click();
  await tid(page, 'settings-save').click();
  await tid(page, 'settings-saved').waitFor();
  const saved = await page.evaluate(async () => (await window.janitor.getSettings({})).config);
  assert.deepEqual(
    [saved.retention.maxAgeDays, saved.finishGraceSeconds, saved.compressAfterDays, saved.timeouts.databaseMs],
    [14, 30, null, 1500],
  );
  await shot(page, 'settings');
  await page.close();

  step = 'web host';
  page = await open('?agents=200&host=web&overridden=roots,idleMinutes&sweepEvery=0', '#/settings', 'dark');
  await tid(page, 'settings-overridden-roots').waitFor();
  assert.equal(await tid(page, 'settings-add-roots').count(), 0, 'an overridden list cannot be edited');
  await shot(page, 'settings-dark-overridden');
  await tid(page, 'nav-agents').click();
  const anyRow = page.locator('[data-testid^="agent-logs-"]').first();
  await anyRow.click();
  await tid(page, 'log-text').waitFor();
  assert.equal(await tid(page, 'log-open-editor').count(), 0, 'no "Open in editor" on the web');
  await shot(page, 'agents-dark');
  for (const v of ['alerts', 'archives', 'disk', 'activity']) {
    await tid(page, `nav-${v}`).click();
    await page.waitForTimeout(400);
    await shot(page, `${v}-dark`);
  }
  await page.close();

  step = 'agents at scale: tabs, sort, address, bulk pin';
  await checkAgentsAtScale(open, shot);
  step = 'alert group fix';
  await checkAlertGroup(open, shot);
  step = 'activity pages';
  await checkActivityPages(open, shot);

  step = '800 px';
  await checkNarrow(open, shot);

  step = 'empty';
  page = await open('?empty=1&sweepEvery=0', '#/agents');
  await tid(page, 'agents-empty').waitFor();
  for (const v of ['alerts', 'archives', 'activity']) {
    await tid(page, `nav-${v}`).click();
    await tid(page, `${v}-empty`).waitFor();
  }
  await page.close();
} catch (err) {
  problems.push(`${step}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await browser.close();
  await close();
}
if (problems.length > 0) {
  console.error(`renderer check FAILED (screenshots in ${shots}):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`renderer check passed; screenshots in ${shots}`);
