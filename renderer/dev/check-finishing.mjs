// Steps of renderer/dev/check.mjs for finishing agents and narrow windows, kept apart to keep each file short.
/* global document, getComputedStyle -- the page.evaluate callbacks run in the browser */
import assert from 'node:assert/strict';

const tid = (page, id) => page.getByTestId(id);
const COUNTDOWN = /^finishing · (\d+) s left$|^finishing · (\d+) m (\d\d) s left$/;

/** Seconds a finishing badge says are left. */
function secondsIn(text) {
  const m = COUNTDOWN.exec(text.trim());
  assert.ok(m, `a finishing badge with its countdown: "${text}"`);
  return m[1] !== undefined ? Number(m[1]) : Number(m[2]) * 60 + Number(m[3]);
}

/**
 * A finishing agent: its own badge with a live countdown, the verdict filter, its details (source, grace, files by
 * folder), and a Clean now whose confirm says its processes will be stopped. Leaves the filter at "all".
 */
export async function checkFinishing(page, shot) {
  await tid(page, 'agents-verdict').selectOption('finishing');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid^="agent-row-"]')].every((e) => e.getAttribute('data-verdict') === 'finishing'),
  );
  const option = await tid(page, 'agents-verdict').locator('option[value="finishing"]').innerText();
  assert.match(option, /^finishing \(\d+\)$/, `the verdict filter counts finishing agents: ${option}`);
  const row = page.locator('[data-testid^="agent-row-"]').first();
  const id = (await row.getAttribute('data-testid')).slice('agent-row-'.length);
  const badge = tid(page, `agent-grace-${id}`);
  const first = secondsIn(await badge.innerText());
  assert.equal(await badge.getAttribute('role'), 'timer');
  await page.waitForTimeout(2100);
  const later = secondsIn(await badge.innerText());
  assert.ok(later < first && later >= first - 3, `the countdown runs: ${first} s, then ${later} s`);
  const colour = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
  const finishedColour = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.className = 'badge verdict-finished';
    document.body.append(probe);
    const c = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return c;
  });
  assert.notEqual(colour, finishedColour, 'finishing has a colour of its own');
  assert.doesNotMatch(await tid(page, `agent-reason-${id}`).innerText(), /finish grace left\)/, 'no stale seconds-left in the reason');

  await tid(page, `agent-toggle-${id}`).click();
  await tid(page, `agent-details-${id}`).waitFor();
  assert.match(await tid(page, `agent-source-${id}`).innerText(), /^(registry|database)$/);
  assert.match(await tid(page, `agent-grace-detail-${id}`).innerText(), /left/);
  const folders = await tid(page, `agent-files-${id}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-folder')));
  assert.ok(folders.includes('logs/'), `files by folder: ${folders}`);
  await shot(page, 'agents-finishing');

  await tid(page, `agent-clean-${id}`).click();
  await tid(page, 'preview-finishing').waitFor();
  assert.match(await tid(page, 'preview-finishing').innerText(), /processes are still running.*will be stopped/s);
  await tid(page, 'preview-action').first().waitFor();
  await tid(page, 'cancel-clean').click();
  await tid(page, 'preview-dialog').waitFor({ state: 'detached' });
  await tid(page, `agent-toggle-${id}`).click();
  await tid(page, 'agents-verdict').selectOption('');
}

/** At 800 px the agents' row actions stay in view: no sideways scrolling in the list. */
export async function checkNarrow(open, shot) {
  for (const scheme of ['light', 'dark']) {
    const page = await open('?agents=300&latency=5&sweepEvery=0', '#/agents', scheme, 800);
    await page.locator('[data-testid^="agent-row-"]').first().waitFor();
    const finishing = page.locator('[data-verdict="finishing"]').first();
    if ((await finishing.count()) > 0) await finishing.locator('[data-testid^="agent-toggle-"]').click();
    const list = tid(page, 'agents-list');
    const [scrollWidth, clientWidth] = await list.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scrollWidth <= clientWidth, `${scheme}: the agents list fits 800 px (${scrollWidth} > ${clientWidth})`);
    const logs = await page.locator('[data-testid^="agent-logs-"]').first().boundingBox();
    const box = await list.boundingBox();
    assert.ok(logs && box && logs.x + logs.width <= box.x + box.width, `${scheme}: row actions in view at 800 px`);
    await shot(page, scheme === 'light' ? 'agents-800' : 'agents-800-dark');
    for (const v of ['archives', 'settings', 'alerts', 'disk', 'activity']) {
      await tid(page, `nav-${v}`).click();
      await page.waitForTimeout(400);
      await shot(page, `${v}-800${scheme === 'light' ? '' : '-dark'}`);
    }
    await page.close();
  }
}
