import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';
import { windowSuite, type UiWindow } from '../helpers/ui-window.js';

/**
 * Issue 10 point 4, as a user sees it in Chromium over `daemon --ui`, on real tmux and files: the window sorts,
 * splits agents into tabs, keeps its state in the address, acts on many agents or alerts at once after saying on
 * whom, and pages through the whole journal.
 */

/** The agent ids the Agents list shows, top to bottom (few enough here that none is virtualized away). */
const agentRows = (page: Page) =>
  page
    .locator('[data-testid^="agent-row-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('agent-row-'.length)));

async function rowsAre(page: Page, expected: string[]): Promise<void> {
  const ok = await waitFor(async () => JSON.stringify(await agentRows(page)) === JSON.stringify(expected), 10_000);
  assert.ok(ok, `agent rows ${JSON.stringify(await agentRows(page))}, expected ${JSON.stringify(expected)}`);
}

const hashOf = (page: Page) => new URL(page.url()).hash;

describe('a window for 2,000 rows (issue 10 point 4)', () => {
  const windows = windowSuite();

  describe('Agents: sort, tabs, the address, bulk pin', () => {
    let w: UiWindow;
    before(async () => {
      const sb = Sandbox.create();
      for (const id of ['s-1', 's-2', 's-3']) await sb.startSession(`agent_${id}`);
      // Two tasks: the biggest agent (s-2) is in the older one, so "biggest first" must reorder the tasks too.
      const older = makeTask(sb.workspace, [
        { id: 's-2', status: 'running', tmux_session: 'agent_s-2' },
        { id: 'done-4', status: 'completed', tmux_session: null },
      ]);
      const newer = makeTask(sb.workspace, [
        { id: 's-1', status: 'running', tmux_session: 'agent_s-1' },
        { id: 's-3', status: 'running', tmux_session: 'agent_s-3' },
      ]);
      older.log('s-2_stream.jsonl', 'x'.repeat(60_000));
      newer.log('s-1_stream.jsonl', 'x'.repeat(100));
      newer.log('s-3_stream.jsonl', 'x'.repeat(6_000));
      w = await windows.open(sb, { killGraceMs: 300 });
      await w.page.getByTestId('nav-agents').click();
      await w.page.getByTestId('agent-row-s-1').waitFor();
    });

    it('the Active tab is the default and its count is its rows; a cleaned agent shows only under Cleaned and All', async () => {
      const { page } = w;
      assert.equal(await page.getByTestId('agents-tab-active').getAttribute('aria-selected'), 'true');
      await rowsAre(page, ['s-1', 's-3', 's-2']);
      assert.equal(await page.getByTestId('agents-tab-count-active').innerText(), '3');
      assert.equal(await page.getByTestId('agent-row-done-4').count(), 0, 'the cleaned agent is not under Active');

      await page.getByTestId('agents-tab-cleaned').click();
      await rowsAre(page, ['done-4']);
      assert.equal(await page.getByTestId('agent-row-done-4').getAttribute('data-verdict'), 'clean');
      assert.equal(await page.getByTestId('agents-tab-count-cleaned').innerText(), '1');
      assert.equal(await page.getByTestId('agents-tab-count-finishing').innerText(), '0');
      await page.getByTestId('agents-tab-all').click();
      await rowsAre(page, ['s-1', 's-3', 'done-4', 's-2']);
      assert.equal(await page.getByTestId('agents-tab-count-all').innerText(), '4');
      assert.match(hashOf(page), /tab=all/);
      await page.getByTestId('agents-tab-active').click();
      await rowsAre(page, ['s-1', 's-3', 's-2']);
    });

    it('sorting by size puts the biggest first, says so in aria-sort, and a reload keeps it (it is in the address)', async () => {
      const { page } = w;
      const size = page.getByTestId('agents-sort-size');
      const header = page.locator('[role="columnheader"]').filter({ has: size });
      assert.equal(await header.getAttribute('aria-sort'), 'none');
      await size.click();
      await rowsAre(page, ['s-2', 's-3', 's-1']);
      assert.equal(await header.getAttribute('aria-sort'), 'descending');
      assert.match(hashOf(page), /sort=size/);

      await page.reload();
      await page.getByTestId('agent-row-s-2').waitFor();
      await rowsAre(page, ['s-2', 's-3', 's-1']);
      assert.equal(await header.getAttribute('aria-sort'), 'descending');

      await size.click();
      await rowsAre(page, ['s-1', 's-3', 's-2']);
      assert.equal(await header.getAttribute('aria-sort'), 'ascending');
      await page.getByTestId('agents-sort-task').click();
    });

    it('back and forward restore a search; another view and back keeps it', async () => {
      const { page } = w;
      await page.getByTestId('agents-search').fill('s-3');
      await rowsAre(page, ['s-3']);
      assert.ok(await waitFor(() => hashOf(page).includes('q=s-3')), hashOf(page));
      await page.getByTestId('agents-tab-all').click();
      await page.getByTestId('agents-search').fill('done');
      await rowsAre(page, ['done-4']);
      assert.ok(await waitFor(() => hashOf(page).includes('q=done')), hashOf(page));

      await page.goBack();
      await rowsAre(page, ['s-3']);
      assert.equal(await page.getByTestId('agents-search').inputValue(), 's-3');
      assert.equal(await page.getByTestId('agents-tab-active').getAttribute('aria-selected'), 'true');
      await page.goForward();
      await rowsAre(page, ['done-4']);
      assert.equal(await page.getByTestId('agents-search').inputValue(), 'done');

      await page.getByTestId('nav-alerts').click();
      await page.getByTestId('alerts-list').waitFor();
      await page.getByTestId('nav-agents').click();
      await rowsAre(page, ['done-4']);
      assert.equal(await page.getByTestId('agents-search').inputValue(), 'done');
      assert.equal(await page.getByTestId('agents-tab-all').getAttribute('aria-selected'), 'true');
      await page.getByTestId('agents-search').fill('');
      await page.getByTestId('agents-tab-active').click();
      await rowsAre(page, ['s-1', 's-3', 's-2']);
    });

    it('bulk pin of two selected agents lists them, then pins exactly those (the config file says so)', async () => {
      const { page } = w;
      await page.getByTestId('agent-select-s-1').check();
      await page.getByTestId('agent-select-s-2').check();
      assert.match(await page.getByTestId('agents-selected-count').innerText(), /^2 selected/);
      await page.getByTestId('agents-pin-selected').click();
      await page.getByTestId('bulk-pin-confirm').waitFor();
      const listed = await page.getByTestId('bulk-pin-agent').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')));
      assert.deepEqual(listed.sort(), ['s-1', 's-2']);
      const pins = () => (JSON.parse(fs.readFileSync(w.configFile, 'utf8')) as { pins?: string[] }).pins ?? [];
      assert.deepEqual(pins(), [], 'nothing is pinned before Confirm');
      await page.getByTestId('confirm-ok').click();
      await page.getByTestId('agents-bulk-result').waitFor();
      assert.ok(await waitFor(() => pins().length === 2), `pins: ${pins().join(',')}`);
      assert.deepEqual([...pins()].sort(), ['s-1', 's-2']);
      await page.locator('[data-testid="agent-pin-s-2"][aria-pressed="true"]').waitFor();
      assert.equal(await page.getByTestId('agent-pin-s-3').getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('agent-select-s-1').isChecked(), false, 'the selection is cleared once done');

      await page.getByTestId('agent-select-s-1').check();
      await page.getByTestId('agents-unpin-selected').click();
      assert.deepEqual(await page.getByTestId('bulk-pin-agent').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent'))), [
        's-1',
      ]);
      await page.getByTestId('confirm-ok').click();
      assert.ok(await waitFor(() => pins().length === 1), `pins: ${pins().join(',')}`);
      assert.deepEqual(pins(), ['s-2']);
    });
  });

  it('three orphan sessions are one group with one fix, which lists what it does and then kills exactly those', async () => {
    const sb = Sandbox.create();
    for (const id of ['o-1', 'o-2', 'o-3', 'keep-1']) await sb.startSession(`agent_${id}`);
    makeTask(sb.workspace, [{ id: 'keep-1', status: 'running', tmux_session: 'agent_keep-1' }]);
    const w = await windows.open(sb, { killGraceMs: 300 });
    const { page } = w;
    await page.getByTestId('nav-alerts').click();
    const group = page.getByTestId('alert-group-orphan-session');
    await group.waitFor();
    assert.equal(await group.getAttribute('data-count'), '3');
    assert.match(await page.getByTestId('alert-group-title-orphan-session').innerText(), /^3 orphan sessions$/);
    assert.equal(await page.locator('[data-testid^="alert-group-fix-"]').count(), 1, 'one fix for the group');
    const fix = page.getByTestId('alert-group-fix-orphan-session');
    assert.match(await fix.innerText(), /^Kill all 3 orphan sessions/);

    await fix.click();
    await page.getByTestId('alert-group-dialog').waitFor();
    const effects = await page.getByTestId('alert-group-effect').allInnerTexts();
    assert.equal(effects.length, 3);
    for (const [i, id] of ['o-1', 'o-2', 'o-3'].entries())
      assert.ok(
        effects.some((e) => e.includes(`agent_${id}`)),
        `${id} listed: ${effects[i]}`,
      );
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await sb.sessions(), ['agent_keep-1', 'agent_o-1', 'agent_o-2', 'agent_o-3'], 'the preview kills nothing');

    await page.getByTestId('alert-group-confirm').click();
    await page.getByTestId('alert-group-summary').waitFor({ timeout: 20_000 });
    const results = await page.getByTestId('alert-group-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-ok')));
    assert.deepEqual(results, ['true', 'true', 'true']);
    assert.deepEqual(await sb.sessions(), ['agent_keep-1'], 'exactly the three orphans are killed');
    await page.getByTestId('alert-group-close').click();
    await page.getByTestId('alert-group-orphan-session').waitFor({ state: 'detached' });
    assert.match(await page.getByTestId('alert-group-outcome').innerText(), /3 done/);
  });

  it('Activity pages through the whole journal: "showing N of TOTAL", Load older, oldest first, a long entry summarized', async () => {
    const sb = Sandbox.create();
    const task = makeTask(sb.workspace, []);
    fs.mkdirSync(task.archive, { recursive: true });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const lines = Array.from({ length: 450 }, (_, i) =>
      JSON.stringify({
        ts: new Date(t0 + i * 60_000).toISOString(),
        agentId: `j-${String(i).padStart(4, '0')}`,
        reason: 'status completed',
        results: [{ kind: 'kill-session', target: `agent_j-${i}`, outcome: 'done' }],
      }),
    );
    // The newest entry: a retention run that lists every file it removed.
    const files = Array.from({ length: 40 }, (_, i) => ({ kind: 'delete-archive', target: `archive/f-${i}.gz`, outcome: 'done' }));
    lines.push(
      JSON.stringify({
        ts: new Date(t0 + 450 * 60_000).toISOString(),
        agentId: 'retention',
        reason: 'retention: older than 30 days',
        results: files,
      }),
    );
    fs.writeFileSync(path.join(task.archive, 'JOURNAL.jsonl'), lines.join('\n') + '\n');
    const w = await windows.open(sb, { killGraceMs: 300 });
    const { page } = w;
    await page.getByTestId('nav-activity').click();
    const count = page.getByTestId('activity-count');
    await count.filter({ hasText: 'showing 200 of 451 entries' }).waitFor();

    const summary = page.getByTestId('activity-summary');
    assert.match(await summary.innerText(), /40 results: 40 done · 40 delete-archive/);
    const fileRows = page.getByTestId('activity-result').filter({ hasText: 'archive/f-' });
    assert.equal(await fileRows.count(), 0, 'the long entry is one summary line until expanded');
    await page.getByTestId('activity-expand').click();
    await fileRows.nth(10).waitFor();
    assert.equal(await page.getByTestId('activity-expand').getAttribute('aria-expanded'), 'true');
    await page.getByTestId('activity-expand').click();
    await fileRows.first().waitFor({ state: 'detached' });

    const lastShown = async () => {
      await page.getByTestId('activity-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(150);
      return page.getByTestId('activity-entry').last().innerText();
    };
    assert.match(await lastShown(), /j-0251/);
    await page.getByTestId('activity-more').click();
    await count.filter({ hasText: 'showing 400 of 451 entries' }).waitFor();
    assert.match(await lastShown(), /j-0051/);
    await page.getByTestId('activity-more').click();
    await count.filter({ hasText: /^451 entries$/ }).waitFor();
    assert.match(await lastShown(), /j-0000/);
    assert.equal(await page.getByTestId('activity-more').count(), 0, 'nothing older left to load');

    await page.getByTestId('activity-sort-time').click();
    await count.filter({ hasText: 'showing 200 of 451 entries' }).waitFor();
    const header = page.locator('[role="columnheader"]').filter({ has: page.getByTestId('activity-sort-time') });
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await page.getByTestId('activity-list').evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(150);
    assert.match(await page.getByTestId('activity-entry').first().innerText(), /j-0000/, 'oldest first');
    assert.match(await page.getByTestId('activity-more').innerText(), /Load newer/);
    assert.match(hashOf(page), /order=oldest/);

    await page.getByTestId('activity-search').fill('j-0449');
    await count.filter({ hasText: /^1 entry$/ }).waitFor();
    assert.match(await page.getByTestId('activity-entry').first().innerText(), /j-0449/);
  });
});
