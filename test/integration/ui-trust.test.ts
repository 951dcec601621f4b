import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTask, type TaskFixture } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';
import { callApi, windowSuite } from '../helpers/ui-window.js';

/**
 * Issue 10 point 1, as a user sees it in Chromium over `daemon --ui`, on real tmux and files: nothing destructive
 * happens before the user has seen exactly what and confirmed it.
 */
const DAY = 24 * 3600 * 1000;

/** An archive/ holding `count` files recorded as archived `ageDays` ago. */
function oldArchives(task: TaskFixture, count: number, ageDays: number): string[] {
  fs.mkdirSync(task.archive, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `old-${i}_stream.jsonl`);
  const lines = names.map((name) => {
    const content = `archived ${name}\n`;
    fs.writeFileSync(path.join(task.archive, name), content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    return JSON.stringify({
      ts: new Date(Date.now() - ageDays * DAY).toISOString(),
      agentId: 'old',
      source: `logs/${name}`,
      archive: `archive/${name}`,
      bytes: content.length,
      sha256,
      compression: 'none',
      storedBytes: content.length,
    });
  });
  fs.writeFileSync(path.join(task.archive, 'MANIFEST.jsonl'), lines.join('\n') + '\n');
  return names.map((n) => path.join(task.archive, n));
}

describe('preview before anything destructive (issue 10 point 1)', () => {
  const windows = windowSuite();

  it('Clean now on a working agent says so, with a danger confirm; the clean shows its steps, and Stop answers', async () => {
    const sb = Sandbox.create();
    // Ignores TERM as well as HUP: the clean then waits out its kill grace, long enough to watch and to press Stop.
    await sb.startSession('agent_work-1', `sh -c "trap '' HUP TERM; while :; do sleep 1; done"`);
    makeTask(sb.workspace, [{ id: 'work-1', status: 'running', tmux_session: 'agent_work-1' }]).log('work-1_stream.jsonl', 'x\n');
    const w = await windows.open(sb, { killGraceMs: 2500 });
    await w.page.getByTestId('nav-agents').click();
    await w.page.getByTestId('agent-clean-work-1').click();
    await w.page.getByTestId('preview-unfinished').waitFor();
    assert.match(await w.page.getByTestId('preview-unfinished').innerText(), /work-1 \(running\).*stops/s);
    const confirm = w.page.getByTestId('confirm-clean');
    assert.match((await confirm.getAttribute('class')) ?? '', /danger/, 'the confirm is styled as dangerous');
    assert.match(await confirm.innerText(), /Stop 1 working agent/);
    await confirm.click();
    await w.page.getByTestId('clean-progress').filter({ hasText: 'Stopping leftover processes' }).waitFor();
    await w.page.getByTestId('cancel-clean').click();
    await w.page.getByTestId('clean-progress').filter({ hasText: 'No further session is killed' }).waitFor();
    await w.page.getByTestId('clean-summary').waitFor({ timeout: 15_000 });
    assert.deepEqual(await sb.sessions(), [], 'a single batch was already killed: it is finished, not left half done');
    assert.match(await w.page.getByTestId('clean-cancelled').innerText(), /Stop came too late/, 'the dialog says why it could not stop');
    await w.page.getByTestId('clean-close').click();
  });

  it('a lower idle limit or a retention limit shows what it would clean or delete; nothing happens until Confirm', async () => {
    const sb = Sandbox.create();
    await sb.startSession('agent_busy-1');
    const task = makeTask(sb.workspace, [{ id: 'busy-1', status: 'running', tmux_session: 'agent_busy-1' }]);
    task.log('busy-1_stream.jsonl', 'working\n');
    const archived = oldArchives(makeTask(sb.workspace, []), 3, 30);
    // No delayed compression: the daemon's own retention pass would otherwise gzip the 30-day-old files meanwhile.
    const w = await windows.open(sb, { idleMinutes: 25, killGraceMs: 300, compressAfterDays: null });
    const configText = () => fs.readFileSync(w.configFile, 'utf8');
    const before = configText();
    // The session has been quiet for a few seconds: idle under a limit of 0.05 min (3 s), not under 25 min.
    await new Promise((r) => setTimeout(r, 4000));
    await w.page.getByTestId('nav-settings').click();
    const idle = w.page.getByTestId('settings-field-idleMinutes');
    await idle.fill('0.05');
    await w.page.getByTestId('settings-save').click();
    const dialog = w.page.getByTestId('consequence-dialog');
    await dialog.waitFor();
    assert.match(await w.page.getByTestId('consequence-agent').first().innerText(), /busy-1/);
    await w.page.getByTestId('consequence-unfinished').waitFor();
    assert.match((await w.page.getByTestId('consequence-confirm').getAttribute('class')) ?? '', /danger/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok((await sb.sessions()).includes('agent_busy-1'), 'no session disappears while the dialog waits');
    assert.equal(configText(), before, 'nothing is saved before Confirm');

    await w.page.getByTestId('consequence-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(configText(), before, 'Cancel saves nothing');
    assert.ok((await sb.sessions()).includes('agent_busy-1'));

    await w.page.getByTestId('settings-save').click();
    await w.page.getByTestId('consequence-confirm').click();
    await w.page.getByTestId('settings-saved').waitFor();
    assert.equal(JSON.parse(configText()).idleMinutes, 0.05);
    assert.ok(
      await waitFor(async () => !(await sb.sessions()).includes('agent_busy-1'), 15_000),
      'once confirmed, the idle agent is cleaned',
    );

    // Retention: the window shows the files a new age limit deletes, and Cancel keeps them.
    await w.page.getByTestId('settings-field-retention.maxAgeDays').fill('10');
    await w.page.getByTestId('settings-save').click();
    await w.page.getByTestId('consequence-remove-count').waitFor();
    assert.match(await w.page.getByTestId('consequence-remove-count').innerText(), /delete 3 archived files/);
    await w.page.getByTestId('consequence-cancel').click();
    for (const file of archived) assert.ok(fs.existsSync(file), `${file} is kept`);
    assert.equal(JSON.parse(configText()).retention?.maxAgeDays, undefined);

    // The API holds the same line: no save with a consequence unless it quotes that consequence's digest.
    const changes = [{ path: 'retention.maxAgeDays', from: null, to: 10 }];
    const refused = await callApi(w, 'saveSettings', { changes });
    assert.equal(refused.ok, false);
    assert.match(JSON.stringify(refused.issues), /\(confirm\)/);
    const consequence = refused.consequence as { remove: unknown[]; digest: string };
    assert.equal(consequence.remove.length, 3);
    assert.equal(
      (await callApi(w, 'saveSettings', { changes, confirm: 'f'.repeat(64) })).ok,
      false,
      'a digest of something else is refused',
    );
    assert.equal(JSON.parse(configText()).retention?.maxAgeDays, undefined);
    assert.equal((await callApi(w, 'saveSettings', { changes, confirm: consequence.digest })).ok, true);
    assert.equal(JSON.parse(configText()).retention.maxAgeDays, 10);
  });

  it('an orphan kill is disabled, with the reason, while a registry that could name the session cannot be read (point 3)', async () => {
    const sb = Sandbox.create();
    await sb.startSession('agent_stray-1');
    fs.writeFileSync(makeTask(sb.workspace, []).registry, '{"agents": [ {"id": "stray-1", "sta');
    const w = await windows.open(sb, { killGraceMs: 300 });
    await w.page.getByTestId('nav-alerts').click();
    const blocked = w.page.locator('[data-testid^="alert-blocked-orphan-session"]');
    await blocked.waitFor();
    assert.match(await blocked.innerText(), /cannot be read: it may name this session/);
    assert.equal(await w.page.locator('[data-testid^="alert-fix-orphan-session"]').isDisabled(), true);
    assert.deepEqual(await sb.sessions(), ['agent_stray-1']);
  });

  it('a pinned finished agent is kept as it is and the window says why; a ghost without files is cleared by its fix for good (point 3)', async () => {
    const sb = Sandbox.create();
    await sb.startSession('agent_kept-1');
    const task = makeTask(sb.workspace, [
      { id: 'kept-1', status: 'completed', tmux_session: 'agent_kept-1' },
      { id: 'ghost-2', status: 'running', tmux_session: 'agent_ghost-2' },
    ]);
    const log = task.log('kept-1_stream.jsonl', 'kept\n');
    const w = await windows.open(sb, { killGraceMs: 300, pins: ['kept-1'], ghostGraceSeconds: 0 });
    await w.page.getByTestId('nav-agents').click();
    await w.page.getByTestId('agents-tab-all').click();
    await w.page.locator('[data-testid="agent-row-kept-1"][data-verdict="pinned"]').waitFor();
    assert.match(await w.page.getByTestId('agent-reason-kept-1').innerText(), /pinned: kept as it is/);
    assert.deepEqual(await sb.sessions(), ['agent_kept-1'], 'the daemon left the pinned agent alone');
    assert.ok(fs.existsSync(log));

    await w.page.getByTestId('nav-alerts').click();
    const fix = w.page.locator('[data-testid^="alert-fix-ghost-agent"]');
    await fix.click();
    await w.page.locator('[data-testid^="alert-fix-confirm-ghost-agent"]').click();
    await w.page.locator('[data-testid^="alert-result-ghost-agent"]').waitFor();
    await w.page.getByTestId('alerts-refresh').click();
    await w.page.getByTestId('alerts-refresh').waitFor({ state: 'attached' });
    await w.page.waitForTimeout(500);
    assert.equal(await w.page.locator('[data-testid^="alert-ghost-agent"]').count(), 0, 'the ghost does not come back');
  });

  it('daemon --start-paused cleans nothing, shows the plan, and Resume carries it out', async () => {
    const sb = Sandbox.create();
    await sb.startSession('agent_done-1');
    const task = makeTask(sb.workspace, [{ id: 'done-1', status: 'completed', tmux_session: 'agent_done-1' }]);
    task.log('done-1_stream.jsonl', 'finished\n');
    const prompt = task.prompt('done-1');
    const w = await windows.open(sb, { killGraceMs: 300 }, ['--start-paused']);
    const ready = await w.daemon.waitFor((e) => e.event === 'ready');
    assert.equal(ready.event === 'ready' && ready.paused, true);
    assert.equal(ready.event === 'ready' && ready.agents, 1, 'the counts come from the first plan');
    await w.page.getByTestId('paused-banner').waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await sb.sessions(), ['agent_done-1'], 'nothing is cleaned while paused');
    assert.ok(fs.existsSync(prompt));

    await w.page.getByTestId('paused-preview').click();
    await w.page.getByTestId('preview-action').first().waitFor();
    const kinds = await w.page.getByTestId('preview-action').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.ok(kinds.includes('kill-session'), kinds.join(','));
    await w.page.getByTestId('cancel-clean').click();

    await w.page.getByTestId('paused-resume').click();
    assert.ok(await waitFor(async () => (await sb.sessions()).length === 0, 15_000), 'Resume cleans what the plan listed');
    assert.ok(await waitFor(() => fs.existsSync(path.join(task.archive, 'done-1_stream.jsonl'))));
    await w.page.getByTestId('paused-banner').waitFor({ state: 'detached' });
  });
});
