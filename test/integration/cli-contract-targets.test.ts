import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { SweepReportSchema, type SweepReport } from '../../src/shared/index.js';
import { BIN, runCli, runJson, type CliRun } from '../helpers/cli.js';
import { listFiles, makeTask, type TaskFixture } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, isRunning, sha256File } from '../helpers/sandbox.js';

/** SPEC.md "CLI contract": which roots and which tmux server a run acts on, clean-agent, and the human output. */

const pool = sandboxPool();

const fresh = () => pool.fresh();

async function cliIn(sb: Sandbox, cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd, env: { ...sb.env, ...env }, reject: false, timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function parse(r: CliRun): SweepReport {
  try {
    return SweepReportSchema.parse(JSON.parse(r.stdout));
  } catch (err) {
    throw new Error(`not a sweep report (exit ${r.exitCode}): ${String(err)}\n${r.stdout}\n${r.stderr}`);
  }
}

/** A finished agent with a live session, a log and a prompt. */
async function finished(sb: Sandbox, workspace: string, id: string): Promise<TaskFixture> {
  const task = makeTask(workspace, [{ id, status: 'completed', tmux_session: `agent_${id}` }]);
  task.log(`${id}_stream.jsonl`, `{"id":"${id}"}\n`);
  task.prompt(id);
  await sb.startSession(`agent_${id}`);
  return task;
}

function assertCleaned(task: TaskFixture, id: string): void {
  assert.deepEqual(listFiles(task.logs), [], `${id}: logs archived`);
  assert.equal(
    fs.readFileSync(path.join(task.archive, `${id}_stream.jsonl`), 'utf8'),
    `{"id":"${id}"}\n`,
    `${id}: archived under its exact name`,
  );
  assert.ok(!fs.existsSync(path.join(task.dir, `agent_prompt_${id}.txt`)), `${id}: prompt deleted`);
}

after(() => pool.cleanupAll());

describe('roots and the tmux server', () => {
  it('--root defaults to the current folder', async () => {
    const sb = fresh();
    const task = await finished(sb, sb.workspace, 'cwd-1');
    const r = await cliIn(sb, sb.root, ['sweep', '--json', '--tmux-socket', sb.socket]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(
      parse(r).agents.map((a) => a.agentId),
      ['cwd-1'],
    );
    assertCleaned(task, 'cwd-1');
    assert.deepEqual(await sb.sessions(), []);
  });

  it('AGENT_JANITOR_TMUX_SOCKET selects the server when no --tmux-socket is given', async () => {
    const sb = fresh();
    const task = await finished(sb, sb.workspace, 'env-1');
    await sb.startSession('agent_bystander-1');
    const r = await runCli(sb, ['sweep', '--json', '--root', sb.root], { AGENT_JANITOR_TMUX_SOCKET: sb.socket });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(parse(r).actions.find((a) => a.kind === 'kill-session')?.outcome, 'done');
    assert.deepEqual(await sb.sessions(), ['agent_bystander-1']);
    assertCleaned(task, 'env-1');
  });

  it('--root is repeatable, and a root may be a .agent-workspace folder itself', async () => {
    const sb = fresh();
    const other = path.join(sb.dir, 'other-project');
    const otherWorkspace = path.join(other, '.agent-workspace');
    fs.mkdirSync(otherWorkspace, { recursive: true });
    const t1 = await finished(sb, sb.workspace, 'rootA-1');
    const t2 = await finished(sb, otherWorkspace, 'rootB-1');
    const r = await runJson(sb, ['sweep', '--root', other]);
    assert.equal(
      r.exitCode,
      0,
      `${r.stderr} ${JSON.stringify(r.report.errors)} ${JSON.stringify(r.report.actions.filter((a) => a.outcome === 'failed'))}`,
    );
    assert.equal(r.report.stats.roots, 2);
    assert.deepEqual(r.report.agents.map((a) => a.agentId).sort(), ['rootA-1', 'rootB-1']);
    assertCleaned(t1, 'rootA-1');
    assertCleaned(t2, 'rootB-1');

    const t3 = await finished(sb, sb.workspace, 'ws-1');
    const w = await runCli(sb, ['sweep', '--json', '--root', sb.workspace, '--tmux-socket', sb.socket]);
    assert.equal(w.exitCode, 0, w.stderr);
    assert.equal(parse(w).stats.roots, 1);
    assertCleaned(t3, 'ws-1');
    assert.deepEqual(await sb.sessions(), []);
  });
});

describe('clean-agent', () => {
  it('cleans exactly that agent, even while its registry says running, and leaves its prefix twins alone', async () => {
    const sb = fresh();
    const ids = ['fixer-1', 'fixer-10', 'fixer-1x', 'fixer-1.5'];
    const task = makeTask(
      sb.workspace,
      ids.map((id) => ({ id, status: 'running', tmux_session: `agent_${id.replace('.', '_')}` })),
    );
    for (const id of ids) {
      await sb.startSession(`agent_${id.replace('.', '_')}`);
      task.log(`${id}_stream.jsonl`, `{"id":"${id}"}\n`);
      task.prompt(id);
    }
    task.log('fixer-1.stderr.log', 'err\n');
    const twinPanes = (await Promise.all(['agent_fixer-10', 'agent_fixer-1x', 'agent_fixer-1_5'].map((s) => sb.panePids(s)))).flat();
    const twinHashes = ids.slice(1).map((id) => sha256File(path.join(task.logs, `${id}_stream.jsonl`)));

    const r = await runJson(sb, ['clean-agent', 'fixer-1']);

    assert.equal(r.exitCode, 0, `${r.stderr}\n${JSON.stringify(r.report.errors)}`);
    assert.deepEqual(
      r.report.agents.map((a) => `${a.agentId}:${a.verdict}`),
      ['fixer-1:finished'],
    );
    assert.deepEqual(new Set(r.report.actions.map((a) => a.agentId)), new Set(['fixer-1']));
    assert.ok(
      r.report.actions.every((a) => a.outcome === 'done'),
      JSON.stringify(r.report.actions),
    );
    assert.deepEqual(await sb.sessions(), ['agent_fixer-10', 'agent_fixer-1_5', 'agent_fixer-1x']);
    for (const pid of twinPanes) assert.ok(isRunning(pid));
    assert.deepEqual(listFiles(task.logs), ['fixer-1.5_stream.jsonl', 'fixer-10_stream.jsonl', 'fixer-1x_stream.jsonl']);
    assert.deepEqual(
      ids.slice(1).map((id) => sha256File(path.join(task.logs, `${id}_stream.jsonl`))),
      twinHashes,
    );
    assert.deepEqual(listFiles(task.archive), [
      'JOURNAL.jsonl',
      'MANIFEST.jsonl',
      'fixer-1.stderr.log',
      'fixer-1_scrollback.txt',
      'fixer-1_stream.jsonl',
    ]);
    assert.equal(fs.readFileSync(path.join(task.archive, 'fixer-1_stream.jsonl'), 'utf8'), '{"id":"fixer-1"}\n');
    assert.deepEqual(
      listFiles(task.dir).filter((f) => f.startsWith('agent_prompt_')),
      ['agent_prompt_fixer-1.5.txt', 'agent_prompt_fixer-10.txt', 'agent_prompt_fixer-1x.txt'],
    );
    // The registry is the orchestrator's: never rewritten.
    assert.match(fs.readFileSync(task.registry, 'utf8'), /"id": "fixer-1",\s*"status": "running"/);
  });

  it('an unknown id exits 1 with an error naming it, and touches nothing', async () => {
    const sb = fresh();
    const task = await finished(sb, sb.workspace, 'known-1');
    const r = await runJson(sb, ['clean-agent', 'nobody-42']);
    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.message.includes('nobody-42')),
      JSON.stringify(r.report.errors),
    );
    assert.deepEqual(r.report.actions, []);
    assert.deepEqual(listFiles(task.logs), ['known-1_stream.jsonl']);
    assert.deepEqual(await sb.sessions(), ['agent_known-1']);
  });
});

describe('human output', () => {
  it('shows a table with the agent, each action and its outcome', async () => {
    const sb = fresh();
    await finished(sb, sb.workspace, 'hum-1');
    const r = await runCli(sb, ['sweep', '--root', sb.root, '--tmux-socket', sb.socket]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.throws(() => JSON.parse(r.stdout) as unknown);
    assert.match(r.stdout, /^OUTCOME\s+AGENT\s+ACTION\s+TARGET/m);
    const rows: [string, string][] = [
      ['capture-scrollback', 'agent_hum-1'],
      ['kill-session', 'agent_hum-1'],
      ['archive-file', 'logs/hum-1_stream.jsonl'],
      ['delete-prompt', 'agent_prompt_hum-1.txt'],
    ];
    for (const [kind, target] of rows) {
      assert.match(r.stdout, new RegExp(`^DONE\\s+hum-1\\s+${kind}\\s+${target.replace('.', '\\.')}`, 'm'));
    }
    assert.match(r.stdout, /\b\d+ done, 0 failed\b/);
  });
});
