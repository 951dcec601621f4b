// Steps of renderer/dev/check.mjs for the window at scale (issue 10 point 4), kept apart to keep each file short:
// tabs and their counts, sorting, state in the address, bulk pin, an alert group's one fix, and journal paging.
/* global window -- the page.evaluate callbacks run in the browser */
import assert from 'node:assert/strict';

const tid = (page, id) => page.getByTestId(id);
const rowIds = (page) =>
  page
    .locator('[data-testid^="agent-row-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid').slice('agent-row-'.length)));
const countOf = async (page, tab) => Number((await tid(page, `agents-tab-count-${tab}`).innerText()).replace(/,/g, ''));

/** Agents over 2,000 agents: tabs split them, sorting by size leads with the biggest, and the address keeps it all. */
export async function checkAgentsAtScale(open, shot) {
  const page = await open('?agents=2000&latency=5&sweepEvery=0', '#/agents');
  await page.locator('[data-testid^="agent-row-"]').first().waitFor();
  assert.equal(await tid(page, 'agents-tab-active').getAttribute('aria-selected'), 'true', 'Active is the default tab');
  const [active, finishing, cleaned, all] = [
    await countOf(page, 'active'),
    await countOf(page, 'finishing'),
    await countOf(page, 'cleaned'),
    await countOf(page, 'all'),
  ];
  assert.equal(active + finishing + cleaned, all, `the tabs split every agent: ${active} + ${finishing} + ${cleaned} = ${all}`);
  assert.match(await tid(page, 'agents-count').innerText(), new RegExp(`^${active.toLocaleString('en-US')} agents of 2,000`));
  const verdicts = await page.locator('[data-testid^="agent-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
  assert.ok(
    verdicts.every((v) => !['clean', 'finished', 'finishing'].includes(v)),
    `Active lists live agents only: ${[...new Set(verdicts)]}`,
  );

  await tid(page, 'agents-sort-size').click();
  await page.waitForFunction(() => window.location.hash.includes('sort=size'));
  const biggest = await page.evaluate(async () => {
    const rows = (await window.janitor.listAgents({})).filter((r) => !['clean', 'finished', 'finishing'].includes(r.verdict));
    return rows.sort((a, b) => b.bytes - a.bytes)[0].agentId;
  });
  assert.equal((await rowIds(page))[0], biggest, 'the biggest agent comes first');
  await tid(page, 'agents-tab-cleaned').click();
  await tid(page, 'agents-search').fill('fixer');
  await page.waitForFunction(() => window.location.hash.includes('q=fixer'));
  await page.reload();
  await page.locator('[data-testid^="agent-row-"]').first().waitFor();
  assert.equal(await tid(page, 'agents-search').inputValue(), 'fixer', 'a reload keeps the search');
  assert.equal(await tid(page, 'agents-tab-cleaned').getAttribute('aria-selected'), 'true', 'and the tab');
  assert.ok((await rowIds(page)).every((id) => id.includes('fixer')));
  await page.goBack();
  await page.waitForFunction(() => !window.location.hash.includes('tab=cleaned'));
  assert.equal(await tid(page, 'agents-tab-active').getAttribute('aria-selected'), 'true', 'back goes to the tab before');

  const [first, second] = (await rowIds(page)).slice(0, 2);
  await tid(page, `agent-select-${first}`).check();
  await tid(page, `agent-select-${second}`).check();
  await tid(page, 'agents-pin-selected').click();
  await tid(page, 'bulk-pin-confirm').waitFor();
  await shot(page, 'agents-bulk-pin');
  const named = await tid(page, 'bulk-pin-agent').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')));
  await tid(page, 'confirm-ok').click();
  await tid(page, 'agents-bulk-result').waitFor();
  const pins = await page.evaluate(async () => (await window.janitor.getSettings({})).config.pins);
  for (const id of named) assert.ok(pins.includes(id), `${id} pinned`);
  await shot(page, 'agents-sorted');
  await page.close();
}

/** The mock's 13 orphan sessions are one group; its fix leaves the blocked one out and fixes the rest. */
export async function checkAlertGroup(open, shot) {
  const page = await open('?agents=200&latency=5&sweepEvery=0', '#/alerts');
  const group = tid(page, 'alert-group-orphan-session');
  await group.waitFor();
  assert.equal(await group.getAttribute('data-count'), '13');
  assert.match(await tid(page, 'alert-group-fix-orphan-session').innerText(), /^Kill all 12 orphan sessions/);
  await tid(page, 'alert-group-fix-orphan-session').click();
  await tid(page, 'alert-group-effect').first().waitFor();
  assert.equal(await tid(page, 'alert-group-effect').count(), 12);
  assert.equal(await tid(page, 'alert-group-left-out').count(), 1);
  await shot(page, 'alerts-group-preview');
  await tid(page, 'alert-group-confirm').click();
  await tid(page, 'alert-group-summary').waitFor();
  assert.equal(await page.locator('[data-testid="alert-group-result"][data-ok="true"]').count(), 12);
  await tid(page, 'alert-group-close').click();
  await tid(page, 'alert-group-outcome').waitFor();
  await group.waitFor({ state: 'detached' });
  await page.locator('[data-testid^="alert-blocked-orphan-session:"]').waitFor();
  await page.close();
}

/** The journal in pages: "showing N of TOTAL", Load older, and a retention run summarized until expanded. */
export async function checkActivityPages(open, shot) {
  const page = await open('?agents=3000&latency=5&sweepEvery=0', '#/activity');
  const count = tid(page, 'activity-count');
  await count.filter({ hasText: /^showing 200 of / }).waitFor();
  const total = Number((await count.innerText()).match(/of ([\d,]+)/)[1].replace(/,/g, ''));
  await tid(page, 'activity-more').click();
  await count.filter({ hasText: `showing 400 of ${total.toLocaleString('en-US')}` }).waitFor();
  await tid(page, 'activity-search').fill('retention');
  await tid(page, 'activity-summary').waitFor();
  assert.match(await tid(page, 'activity-summary').innerText(), /340 results/);
  await tid(page, 'activity-expand').click();
  await page.locator('[data-testid="activity-result"][data-outcome="failed"]').waitFor();
  await shot(page, 'activity-expanded');
  await page.close();
}
