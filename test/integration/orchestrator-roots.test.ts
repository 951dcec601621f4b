import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { SweepReportSchema } from '../../src/shared/index.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import { createStateDb, makeOrchestratorTask, pythonNow, writeFootprint } from '../helpers/orchestrator.js';
import { sandboxPool, type Sandbox } from '../helpers/sandbox.js';
import { BIN } from '../helpers/cli.js';

/**
 * SPEC.md "Roots": a folder that directly holds TASK-* folders is a workspace base (the orchestrator's default,
 * ~/.claude-orchestrator/workspaces, is not named .agent-workspace); with no root given, the current folder plus,
 * where they exist, $CLAUDE_ORCHESTRATOR_WORKSPACE and ~/.claude-orchestrator/workspaces.
 */

const pool = sandboxPool();
after(() => pool.cleanupAll());

const TASK = 'TASK-20260115-101500-ab12cd34';
const AN_HOUR_AGO = pythonNow(-3_600_000);

async function cli(sb: Sandbox, cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [BIN, ...args], { cwd, env: { ...sb.env, ...env }, reject: false, timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A current orchestrator's base holding one finished agent with a live session. */
async function currentBase(sb: Sandbox, base: string, id: string): Promise<string> {
  const task = makeOrchestratorTask(base, TASK);
  createStateDb(base, [{ id, task: TASK, status: 'completed', completedAt: AN_HOUR_AGO }]);
  writeFootprint(task, id);
  await sb.startSession(`agent_${id}`);
  return task;
}

describe('roots', () => {
  it('a root that directly holds TASK-* folders is a workspace base', async () => {
    const sb = pool.fresh();
    const base = path.join(sb.dir, 'orchestrator-workspaces');
    const task = await currentBase(sb, base, 'base-1');
    const r = await cli(sb, sb.dir, ['sweep', '--json', '--root', base, '--tmux-socket', sb.socket]);
    const report = SweepReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(r.exitCode, 0, r.stdout);
    assert.equal(report.stats.tasks, 1);
    assert.deepEqual(
      report.agents.map((a) => [a.agentId, a.verdict]),
      [['base-1', 'finished']],
    );
    assert.deepEqual(await sb.sessions(), []);
    assert.ok(listFiles(path.join(task, 'archive')).includes('base-1_stream.jsonl'));
  });

  it('without --root: the current folder, $CLAUDE_ORCHESTRATOR_WORKSPACE and ~/.claude-orchestrator/workspaces; doctor says which and why', async () => {
    const sb = pool.fresh();
    const home = path.join(sb.dir, 'home');
    const defaultBase = path.join(home, '.claude-orchestrator', 'workspaces');
    const envBase = path.join(sb.dir, 'env-workspace');
    const inDefault = await currentBase(sb, defaultBase, 'home-1');
    const inEnv = makeTask(envBase, [{ id: 'env-1', status: 'completed', tmux_session: 'agent_env-1' }]);
    inEnv.log('env-1_stream.jsonl', 'env\n');
    await sb.startSession('agent_env-1');
    const inCwd = makeTask(sb.workspace, [{ id: 'cwd-1', status: 'completed', tmux_session: 'agent_cwd-1' }]);
    inCwd.log('cwd-1_stream.jsonl', 'cwd\n');
    await sb.startSession('agent_cwd-1');
    const env = { CLAUDE_ORCHESTRATOR_WORKSPACE: envBase };

    const doctor = await cli(sb, sb.root, ['doctor', '--tmux-socket', sb.socket], env);
    assert.match(
      doctor.stdout,
      new RegExp(`^ok\\s+root ${sb.root}\\s+readable; workspace base\\(s\\): ${sb.workspace}; the current directory`, 'm'),
    );
    assert.match(
      doctor.stdout,
      new RegExp(`^ok\\s+root ${envBase}\\s+readable; workspace base\\(s\\): ${envBase}; \\$CLAUDE_ORCHESTRATOR_WORKSPACE`, 'm'),
    );
    assert.match(
      doctor.stdout,
      new RegExp(
        `^ok\\s+root ${defaultBase}\\s+readable; workspace base\\(s\\): ${defaultBase}; the orchestrator's default workspace`,
        'm',
      ),
    );
    assert.match(
      doctor.stdout,
      new RegExp(
        `^ok\\s+state database ${defaultBase}/registry/state.sqlite3\\s+readable \\(read-only, [\\d.]+ ms\\): 1 agent in 1 task`,
        'm',
      ),
    );
    assert.equal(doctor.exitCode, 0, doctor.stdout);

    const r = await cli(sb, sb.root, ['sweep', '--json', '--tmux-socket', sb.socket], env);
    const report = SweepReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(r.exitCode, 0, r.stdout);
    assert.equal(report.stats.roots, 3);
    assert.deepEqual(report.agents.map((a) => `${a.agentId}:${a.source}:${a.verdict}`).sort(), [
      'cwd-1:registry:finished',
      'env-1:registry:finished',
      'home-1:database:finished',
    ]);
    assert.deepEqual(await sb.sessions(), []);
    for (const [dir, id] of [
      [inDefault, 'home-1'],
      [inEnv.dir, 'env-1'],
      [inCwd.dir, 'cwd-1'],
    ] as const) {
      assert.ok(fs.existsSync(path.join(dir, 'archive', `${id}_stream.jsonl`)), `${id} archived`);
    }
  });

  it("doctor points at the orchestrator's default workspace when the configured roots leave it out", async () => {
    const sb = pool.fresh();
    fs.mkdirSync(path.join(sb.dir, 'home', '.claude-orchestrator', 'workspaces'), { recursive: true });
    const r = await cli(sb, sb.dir, ['doctor', '--root', sb.root, '--tmux-socket', sb.socket]);
    assert.match(r.stdout, /orchestrator default workspace\s+.*is not one of the roots; add --root/);
  });
});
