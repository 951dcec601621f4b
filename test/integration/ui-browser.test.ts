import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { Sandbox, isRunning, sha256File, waitFor } from '../helpers/sandbox.js';

/**
 * The real thing: `agent-janitor daemon --ui` (the built CLI) over a sandbox with real tmux sessions and files, and
 * the renderer in Debian's Chromium through the web bridge. Every view shows this fixture's data, "Clean now" really
 * kills and archives, settings round-trip, and the bridge refuses what it should. A screenshot of each view is
 * saved (see SHOTS); the README shows the ones in docs/screenshots/.
 */

/** test-results/ (ignored by git) on every run; `npm run screenshots` points this at docs/screenshots for the README. */
const SHOTS = path.resolve(import.meta.dirname, '../..', process.env.AJ_SCREENSHOT_DIR ?? 'test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the window over daemon --ui, in Chromium', () => {
  let sb: Sandbox;
  let daemon: DaemonProcess;
  let browser: Browser;
  let page: Page;
  let url: URL;
  let token: string;
  let configFile: string;
  let work: TaskFixture;
  let workLogHash: string;
  const errors: string[] = [];

  before(async () => {
    sb = Sandbox.create();
    fs.mkdirSync(SHOTS, { recursive: true });
    configFile = path.join(sb.dir, 'config', 'agent-janitor', 'config.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    fs.writeFileSync(configFile, JSON.stringify({ ghostGraceSeconds: 0, killGraceMs: 300 }, null, 2));
    await sb.startSession('agent_build-1');
    await sb.startSession('agent_review-2');
    await sb.startSession('agent_stray-9', 'sh -c "trap \'\' HUP; sleep 100000"');
    work = makeTask(sb.workspace, [
      { id: 'build-1', status: 'running', tmux_session: 'agent_build-1' },
      { id: 'review-2', status: 'running', tmux_session: 'agent_review-2' },
      { id: 'ghost-3', status: 'running', tmux_session: 'agent_ghost-3' },
    ]);
    workLogHash = sha256File(work.log('build-1_stream.jsonl', '{"type":"assistant","text":"compiling"}\n'.repeat(400)));
    work.log('review-2_stream.jsonl', '{"type":"assistant","text":"reviewing"}\n'.repeat(50));
    work.prompt('build-1');
    work.prompt('review-2');
    const done = makeTask(sb.workspace, [{ id: 'old-4', status: 'completed', tmux_session: null }]);
    done.log('old-4_stream.jsonl', '{"type":"result","text":"done"}\n'.repeat(2000));
    done.prompt('old-4');

    // Earlier samples, as a janitor that ran for a day would have left them: the chart needs a history to draw.
    const stateDir = path.join(sb.dir, 'state', 'agent-janitor');
    fs.mkdirSync(stateDir, { recursive: true });
    const day = 24 * 3600 * 1000;
    const samples = [3, 2, 1].map((n, i) =>
      JSON.stringify({
        ts: new Date(Date.now() - n * day).toISOString(),
        logs: 40_000 * (i + 1),
        archive: 10_000 * (i + 1),
        other: 2_000,
        freeBytes: 5e10 - i * 1e9,
      }),
    );
    fs.writeFileSync(path.join(stateDir, 'disk-history.jsonl'), samples.join('\n') + '\n');
    daemon = DaemonProcess.start(sb, ['--ui']);
    await daemon.waitFor((e) => e.event === 'ready');
    assert.ok(await waitFor(() => /UI at http/.test(daemon.stderr)), daemon.stderr);
    url = new URL(/UI at (\S+)/.exec(daemon.stderr)![1]!);
    token = url.searchParams.get('token')!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(url.href);
    await page.getByTestId('status-line').waitFor();
  });

  after(async () => {
    await browser?.close();
    if (daemon) assert.equal(await daemon.stop('SIGTERM'), 0, 'the daemon drains and exits 0');
    await sb?.cleanup();
  });

  it('binds 127.0.0.1 only and refuses requests without the token, with a foreign Host or a foreign Origin', async () => {
    assert.equal(url.hostname, '127.0.0.1');
    const api = `${url.origin}/api/getState`;
    const auth = { Authorization: `Bearer ${token}` };
    const bare = await request(`${url.origin}/`);
    assert.equal(bare.status, 200, 'the page loads without its token (it holds no secret)');
    assert.ok(!bare.body.includes(token), 'and carries no token');
    assert.equal((await request(`${url.origin}/api/events`)).status, 401, 'the event stream without a token');
    assert.equal((await request(api, { method: 'POST' })).status, 401, 'the API without a token');
    assert.equal((await request(api, { method: 'POST', headers: { Authorization: 'Bearer nope' } })).status, 401, 'a wrong token');
    assert.equal((await request(api, { method: 'POST', headers: auth })).status, 200, 'the right token');
    assert.equal(
      (await request(api, { method: 'POST', headers: { ...auth, Host: `evil.example:${url.port}` } })).status,
      403,
      'DNS rebinding: foreign Host',
    );
    assert.equal(
      (await request(api, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' } })).status,
      403,
      'foreign Origin',
    );
    assert.equal(
      (
        await request(`${url.origin}/api/cleanNow`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: '{"agentId":7}',
        })
      ).status,
      400,
      'payloads are validated',
    );
    assert.ok(await isListening(Number(url.port), '127.0.0.1'));
    assert.equal(await isListening(Number(url.port), nonLoopbackAddress()), false, 'not reachable on another interface');
  });

  it('Agents shows every agent with its verdict, and Clean now previews, then really kills and archives', async () => {
    await page.getByTestId('nav-agents').click();
    const row = page.getByTestId('agent-row-build-1');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-verdict'), 'active');
    await page.getByTestId('agent-row-review-2').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'agents.png') });

    await page.getByTestId('agent-clean-build-1').click();
    await page.getByTestId('preview-dialog').waitFor();
    // The dialog opens at once and fills in when the dry run answers.
    await page.getByTestId('preview-action').first().waitFor();
    const kinds = await page.getByTestId('preview-action').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.ok(kinds.includes('kill-session') && kinds.includes('archive-file') && kinds.includes('delete-prompt'), kinds.join(','));
    assert.deepEqual((await sb.sessions()).includes('agent_build-1'), true, 'the preview changed nothing');
    await page.screenshot({ path: path.join(SHOTS, 'clean-preview.png') });
    await page.getByTestId('confirm-clean').click();
    await page.getByTestId('clean-summary').waitFor();
    assert.ok(!(await sb.sessions()).includes('agent_build-1'), 'the session is gone');
    assert.equal(
      sha256File(path.join(work.archive, 'build-1_stream.jsonl')),
      workLogHash,
      'the log is archived byte for byte, under its exact name',
    );
    assert.ok(!fs.existsSync(path.join(work.dir, 'agent_prompt_build-1.txt')));
    await page.getByTestId('clean-close').click();
  });

  it('Alerts explains the orphan session and the ghost, and the orphan fix kills it', async () => {
    const [strayPane] = await sb.panePids('agent_stray-9');
    await page.getByTestId('nav-alerts').click();
    const orphan = page.locator('[data-kind="orphan-session"]');
    await orphan.waitFor();
    await page.locator('[data-kind="ghost-agent"]').waitFor();
    assert.match(await orphan.innerText(), /agent_stray-9/);
    await page.screenshot({ path: path.join(SHOTS, 'alerts.png') });
    const id = (await orphan.getAttribute('data-testid'))!.slice('alert-'.length);
    await page.getByTestId(`alert-fix-${id}`).click();
    await page.getByTestId(`alert-fix-confirm-${id}`).click();
    assert.ok(await waitFor(async () => !(await sb.sessions()).includes('agent_stray-9')), 'the orphan session is killed');
    assert.ok(await waitFor(() => !isRunning(strayPane!)), 'with its HUP-ignoring process');
  });

  it('Archives, Disk and Activity show the cleaned logs', async () => {
    await page.getByTestId('nav-archives').click();
    await page.locator('[data-testid^="archive-task-"]').first().waitFor();
    assert.ok((await page.locator('[data-testid^="archive-task-"]').count()) >= 2, 'the old task and the cleaned agent');
    const task = path.basename(work.dir);
    await page.getByTestId(`archive-toggle-${task}`).click();
    await page.getByTestId(`archive-open-${task}/archive/build-1_stream.jsonl`).click();
    await page.getByTestId('log-text').waitFor();
    assert.match(await page.getByTestId('log-text').innerText(), /"text":"compiling"/, 'Open shows the archived log');
    await page.screenshot({ path: path.join(SHOTS, 'archives.png') });
    await page.getByTestId('log-close').click();

    await page.getByTestId('nav-disk').click();
    await page.getByTestId('disk-chart').waitFor();
    await page.getByTestId('disk-task-row').first().waitFor();
    assert.equal(await page.getByTestId('disk-task-row').count(), 2);
    await page.screenshot({ path: path.join(SHOTS, 'disk.png') });

    await page.getByTestId('nav-activity').click();
    await page.getByTestId('activity-entry').first().waitFor();
    assert.ok((await page.getByTestId('activity-entry').count()) >= 2);
    await page.getByTestId('activity-search').fill('old-4');
    assert.ok(
      await waitFor(async () => (await page.getByTestId('activity-entry').count()) === 1),
      'the search narrows Activity to one entry',
    );
    assert.match(await page.getByTestId('activity-entry').first().innerText(), /old-4/);
    await page.getByTestId('activity-search').fill('');
    await page.getByTestId('activity-entry').nth(1).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'activity.png') });
  });

  it('Settings round-trip through the config file, and a bad value shows its error by the field', async () => {
    await page.getByTestId('nav-settings').click();
    const idle = page.getByTestId('settings-field-idleMinutes');
    await idle.waitFor();
    await idle.fill('-3');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error-idleMinutes').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'settings-error.png') });
    assert.equal(JSON.parse(fs.readFileSync(configFile, 'utf8')).idleMinutes, undefined, 'nothing bad was saved');
    await idle.fill('45');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(JSON.parse(fs.readFileSync(configFile, 'utf8')).idleMinutes, 45);
    await page.reload();
    await page.getByTestId('nav-settings').click();
    assert.equal(await page.getByTestId('settings-field-idleMinutes').inputValue(), '45', 'the saved value is what the engine now holds');
    await page.screenshot({ path: path.join(SHOTS, 'settings.png') });
    assert.deepEqual(errors, [], 'no page errors, no CSP violations');
  });
});

function nonLoopbackAddress(): string {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.2';
}

function isListening(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ host, port, path: '/', timeout: 2000 }, () => resolve(true));
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
