import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';

/**
 * Issue 10 point 2, as a user sees it in Chromium over `daemon --ui`, on real tmux and files: the header says what
 * the janitor is doing now and stops saying "sweeping" when the sweep ends; a janitor that went away is unmistakable
 * (banner, stale data, nothing clickable) until it is back; a page without the right key explains how to get in.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** A session that outlives its kill: the janitor waits out its kill grace, long enough to watch it work. */
const STUBBORN = `sh -c "trap '' HUP TERM; while :; do sleep 1; done"`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Started daemons go into `started` at once, so after() stops them even when start-up fails. */
async function startDaemon(sb: Sandbox, port: number, started: DaemonProcess[]): Promise<{ daemon: DaemonProcess; url: URL }> {
  const daemon = DaemonProcess.start(sb, ['--ui', '--port', String(port)]);
  started.push(daemon);
  await daemon.waitFor((e) => e.event === 'ready');
  assert.ok(await waitFor(() => /UI at http/.test(daemon.stderr)), daemon.stderr);
  return { daemon, url: new URL(/UI at (\S+)/.exec(daemon.stderr)![1]!) };
}

const isDisabled = (page: Page, testId: string) => page.getByTestId(testId).evaluate((el) => el.matches(':disabled'));

describe('honest live state (issue 10 point 2)', () => {
  let sb: Sandbox;
  let port: number;
  const daemons: DaemonProcess[] = [];
  let url: URL;
  let browser: Browser;
  let page: Page;
  let task: TaskFixture;
  const pageErrors: string[] = [];

  before(async () => {
    sb = Sandbox.create();
    const configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    fs.writeFileSync(configFile, JSON.stringify({ killGraceMs: 2500 }, null, 2));
    await sb.startSession('agent_work-1', STUBBORN);
    await sb.startSession('agent_stub-2', STUBBORN);
    await sb.startSession('agent_keep-3');
    task = makeTask(sb.workspace, [
      { id: 'work-1', status: 'running', tmux_session: 'agent_work-1' },
      { id: 'stub-2', status: 'running', tmux_session: 'agent_stub-2' },
      { id: 'keep-3', status: 'running', tmux_session: 'agent_keep-3' },
    ]);
    task.log('work-1_stream.jsonl', 'working\n');
    port = await freePort();
    url = (await startDaemon(sb, port, daemons)).url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${url.href}#/agents`);
    await page.getByTestId('agent-row-work-1').waitFor();
  });

  after(async () => {
    await browser?.close();
    const codes: (number | null)[] = [];
    for (const d of daemons) codes.push(await d.stop('SIGTERM'));
    await sb?.cleanup();
    assert.deepEqual(
      codes,
      daemons.map(() => 0),
      'every daemon drains and exits 0',
    );
  });

  it("after the daemon's own sweep the header no longer says sweeping, without a reload", async () => {
    const status = page.getByTestId('status-line');
    const from = daemons[0]!.events.length;
    // A registry change: work-1 is done, so the daemon sweeps its task; its session outlives TERM, so the sweep lasts.
    task.writeRegistry([
      { id: 'work-1', status: 'completed', tmux_session: 'agent_work-1' },
      { id: 'stub-2', status: 'running', tmux_session: 'agent_stub-2' },
      { id: 'keep-3', status: 'running', tmux_session: 'agent_keep-3' },
    ]);
    // While it runs, the header says so, with the step in flight (the daemon's own sweeps report their steps too).
    await page
      .locator('[data-testid="status-line"][data-state="sweeping"]')
      .filter({ hasText: /Stopping leftover processes|Killing sessions|Copying logs|Archiving logs|Saving the panes/ })
      .waitFor({ timeout: 10_000 });
    await daemons[0]!.waitFor((e) => e.event === 'sweep' && e.trigger === 'watch' && (e.actions.done ?? 0) > 0, 20_000, from);
    assert.ok(!(await sb.sessions()).includes('agent_work-1'), 'the sweep did clean work-1');
    await page.locator('[data-testid="status-line"]:not([data-state="sweeping"])').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="agent-row-work-1"][data-verdict="clean"]').waitFor({ timeout: 5000 });
    assert.doesNotMatch(await page.locator('header').innerText(), /sweeping/i, 'nowhere in the header');
    assert.equal(await status.getAttribute('data-state'), 'idle');
    assert.match(
      await page.getByTestId('status-meta').innerText(),
      /^3 agents in 1 task · last sweep just now\b/,
      'counts with proper plurals',
    );
  });

  it('a Clean now shows its current step in the header, and the header is done with it when the clean ends', async () => {
    await page.getByTestId('agent-clean-stub-2').click();
    await page.getByTestId('preview-action').first().waitFor();
    await page.getByTestId('confirm-clean').click();
    const status = page.getByTestId('status-line');
    await status.filter({ hasText: 'Stopping leftover processes…' }).waitFor({ timeout: 10_000 });
    assert.equal(await status.getAttribute('data-state'), 'sweeping');
    await page.getByTestId('clean-summary').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="status-line"]:not([data-state="sweeping"])').waitFor({ timeout: 5000 });
    assert.doesNotMatch(await status.innerText(), /sweeping|leftover/i);
    await page.getByTestId('clean-close').click();
  });

  it('the bare address, opened without its token, explains how to get in: no JSON, no status code', async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(`${url.origin}/`);
    const access = fresh.getByTestId('access-needed');
    await access.waitFor();
    const text = await access.innerText();
    assert.match(text, /agent-janitor status/);
    assert.match(text, /http:\/\/127\.0\.0\.1:PORT\/\?token=…/);
    assert.match(text, /Open that address here/);
    const body = (await fresh.locator('body').textContent()) ?? '';
    assert.ok(!body.includes('{"error'), body);
    assert.ok(!body.includes('401'), body);
    assert.equal(await fresh.getByTestId('status-line').count(), 0, 'no half-working window behind it');
    await context.close();
  });

  it('a page holding a wrong token gets the same explanation once the janitor refuses it', async () => {
    const context = await browser.newContext();
    const wrong = await context.newPage();
    await wrong.goto(`${url.origin}/?token=wrong-token-1234567890`);
    const access = wrong.getByTestId('access-needed');
    await access.waitFor({ timeout: 10_000 });
    assert.match(await access.innerText(), /did not accept this page's access key[\s\S]*agent-janitor status/);
    const body = (await wrong.locator('body').textContent()) ?? '';
    assert.ok(!body.includes('{"error') && !body.includes('401') && !/HTTP/.test(body), body);
    assert.equal(wrong.url(), `${url.origin}/`, 'the token is out of the address bar');
    await context.close();
  });

  it('a stopped janitor is unmistakable: banner, stale data, every action disabled', async () => {
    await page.getByTestId('agent-row-keep-3').waitFor();
    await page.evaluate(() => Object.assign(globalThis, { ajSamePage: true }));
    assert.equal(await page.getByTestId('connection-banner').count(), 0);
    assert.equal(await daemons[0]!.stop('SIGTERM'), 0);

    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 5000 });
    assert.equal(await banner.getAttribute('role'), 'alert');
    const said = await banner.innerText();
    assert.match(said, /cannot be reached since \d\d:\d\d:\d\d/);
    assert.match(said, /[Rr]econnecting automatically/);
    assert.match(said, /may be out of date/);
    assert.match((await page.getByTestId('app-main').getAttribute('class')) ?? '', /\bstale\b/);
    assert.equal(
      await page
        .getByTestId('stale-label')
        .innerText()
        .then((t) => t.toLowerCase()),
      'stale',
    );
    assert.equal(await page.getByTestId('status-line').getAttribute('data-state'), 'disconnected');
    assert.ok(await isDisabled(page, 'pause-toggle'), 'Pause is disabled');
    assert.ok(await isDisabled(page, 'clean-all'), 'the header Clean now is disabled');
    assert.ok(await isDisabled(page, 'agent-clean-keep-3'), "a row's Clean now is disabled");
    assert.ok(await isDisabled(page, 'agent-pin-keep-3'), "a row's Pin is disabled");
    assert.equal(await page.title(), 'agent-janitor: disconnected');
  });

  it('once the janitor is back, the banner goes, the data is fetched again and the actions come back, without a reload', async () => {
    // Added while the janitor was down: only a fetch after the reconnection can show it.
    await sb.startSession('agent_late-4');
    makeTask(sb.workspace, [{ id: 'late-4', status: 'running', tmux_session: 'agent_late-4' }]);
    const again = await startDaemon(sb, port, daemons);
    assert.equal(again.url.searchParams.get('token'), url.searchParams.get('token'), 'the same key across restarts');

    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByTestId('agent-row-late-4').waitFor({ timeout: 10_000 });
    assert.doesNotMatch((await page.getByTestId('app-main').getAttribute('class')) ?? '', /\bstale\b/);
    assert.equal(await page.getByTestId('stale-label').count(), 0);
    assert.notEqual(await page.getByTestId('status-line').getAttribute('data-state'), 'disconnected');
    assert.equal(await isDisabled(page, 'pause-toggle'), false);
    assert.equal(await isDisabled(page, 'agent-clean-keep-3'), false);
    assert.match(await page.getByTestId('status-meta').innerText(), /^4 agents in 2 tasks\b/, 'the state was fetched again');
    assert.equal(await page.evaluate(() => (globalThis as { ajSamePage?: boolean }).ajSamePage), true, 'the same page: no reload');
    assert.deepEqual(pageErrors, []);
  });
});
