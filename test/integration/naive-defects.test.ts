import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { runJson } from '../helpers/cli.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sandboxPool, isRunning, sha256File } from '../helpers/sandbox.js';

/**
 * Each defect of the old bash daemon (SPEC.md, and the review beside it): the naive command fails on a fixture, and
 * the janitor gets the same fixture right. The naive commands only ever run against the sandbox's socket and files.
 * (SIGHUP-ignoring and setsid'd processes are covered by processes.test.ts.)
 */

const pool = sandboxPool();
const fresh = () => pool.fresh();
const sweep = (sb: Sandbox, args: string[] = []) => runJson(sb, ['sweep', ...args]);

/** The naive approach, as the bash daemon ran it; SOCK is the sandbox socket. */
async function naive(sb: Sandbox, script: string): Promise<{ exitCode: number; stdout: string }> {
  const r = await execa('bash', ['-c', script], { env: { ...sb.env, SOCK: sb.socket }, reject: false, timeout: 10_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout) };
}

/** tmux formats for one session, as numbers. */
async function formats(sb: Sandbox, session: string, ...names: string[]): Promise<number[]> {
  const r = await sb.tmux('display-message', '-p', '-t', `=${session}:`, names.map((n) => `#{${n}}`).join(' '));
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.trim().split(' ').map(Number);
}

after(() => pool.cleanupAll());

describe('naive defects', () => {
  it('a. `ps aux | grep -c ID` counts processes of an agent that has none (the grep, the tmux server); we report none', async () => {
    const sb = fresh();
    // Unique ids: ps sees the whole machine, and other test files run at the same time.
    const id = `ghost-${process.pid}`;
    const other = `other-${process.pid}`;
    // The first session starts the server, so the server's own argv names this agent.
    await sb.startSession(`agent_${id}`);
    await sb.startSession(`agent_${other}`);
    const serverPid = (await sb.serverPid())!;
    assert.match(fs.readFileSync(`/proc/${serverPid}/cmdline`, 'utf8'), new RegExp(id));
    const otherPanes = await sb.panePids(`agent_${other}`);
    makeTask(sb.workspace, [
      { id, status: 'completed', tmux_session: `agent_${id}` },
      { id: other, status: 'running', tmux_session: `agent_${other}` },
    ]);

    const r = await sweep(sb);

    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    assert.deepEqual(await sb.sessions(), [`agent_${other}`]);
    // The agent has no process left, yet the naive count is not zero: the grep itself, and the server.
    const counted = await naive(sb, `ps aux | grep -c -- '${id}'`);
    assert.ok(Number(counted.stdout) >= 1, `naive count ${counted.stdout}`);
    const lines = await naive(sb, `ps -eo pid=,args= | grep -- '${id}' | grep -v grep`);
    assert.ok(
      lines.stdout.split('\n').some((l) => Number(l.trim().split(/\s+/)[0]) === serverPid),
      `the server matches:\n${lines.stdout}`,
    );
    // And where the count is 0, `grep -c` exits 1, so under `set -eo pipefail` the script dies right there.
    const dies = await naive(sb, `set -eo pipefail; n=$(ps aux | grep -v grep | grep -c -- 'absent-${process.pid}'); echo "count=$n"`);
    assert.equal(dies.exitCode, 1);
    assert.doesNotMatch(dies.stdout, /count=/);

    const about = r.report.orphans.filter((o) => 'agentId' in o && o.agentId === id);
    assert.deepEqual(about, [], 'no zombie, suspect or leftover for the cleaned agent');
    assert.equal(r.report.orphans.filter((o) => o.kind === 'zombie' || o.kind === 'suspect').length, 0);
    assert.ok(isRunning(serverPid), 'the tmux server is never signalled');
    for (const pid of otherPanes) assert.ok(isRunning(pid));
  });

  it('b. `kill-session -t agent_fixer-1` kills agent_fixer-10 by prefix; our sweep and clean-agent leave it alive', async () => {
    const sb = fresh();
    await sb.startSession('agent_pfx-1');
    await sb.startSession('agent_pfx-10');
    // The naive cleanup, run twice (a retry, or a second finished agent's loop): the second kill takes the twin.
    assert.equal((await naive(sb, 'tmux -S "$SOCK" kill-session -t agent_pfx-1')).exitCode, 0);
    assert.deepEqual(await sb.sessions(), ['agent_pfx-10']);
    assert.equal((await naive(sb, 'tmux -S "$SOCK" kill-session -t agent_pfx-1')).exitCode, 0);
    assert.deepEqual(await sb.sessions(), [], 'tmux matched agent_pfx-1 to agent_pfx-10 by prefix');

    await sb.startSession('agent_fixer-10');
    const twinPanes = await sb.panePids('agent_fixer-10');
    const task = makeTask(sb.workspace, [
      { id: 'fixer-1', status: 'completed', tmux_session: 'agent_fixer-1' },
      { id: 'fixer-10', status: 'running', tmux_session: 'agent_fixer-10' },
    ]);
    task.log('fixer-1_stream.jsonl', 'one\n');
    const twinLog = task.log('fixer-10_stream.jsonl', 'ten\n');
    const twinHash = sha256File(twinLog);

    const swept = await sweep(sb);
    assert.equal(swept.exitCode, 0, JSON.stringify(swept.report.errors));
    assert.ok(!swept.report.actions.some((a) => a.kind === 'kill-session'), 'no session to kill for fixer-1');
    const cleaned = await runJson(sb, ['clean-agent', 'fixer-1']);
    assert.equal(cleaned.exitCode, 0, JSON.stringify(cleaned.report.errors));

    assert.deepEqual(await sb.sessions(), ['agent_fixer-10']);
    for (const pid of twinPanes) assert.ok(isRunning(pid));
    assert.deepEqual(listFiles(task.logs), ['fixer-10_stream.jsonl']);
    assert.equal(sha256File(twinLog), twinHash);
  });

  it('c. session_activity ignores pane output, window_activity does not; idleness follows output, and pins hold', async () => {
    const sb = fresh();
    await sb.startSession('agent_tick-1', 'while :; do echo tick; sleep 0.2; done');
    await sb.startSession('agent_quiet-1');
    await sb.startSession('agent_pinned-1');
    const task = makeTask(sb.workspace, [
      { id: 'tick-1', status: 'running', tmux_session: 'agent_tick-1' },
      { id: 'quiet-1', status: 'running', tmux_session: 'agent_quiet-1' },
      { id: 'pinned-1', status: 'running', tmux_session: 'agent_pinned-1', pinned: true },
    ]);
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const id of ['tick-1', 'quiet-1', 'pinned-1']) fs.utimesSync(task.log(`${id}_stream.jsonl`, `${id}\n`), hourAgo, hourAgo);
    const quietHash = sha256File(path.join(task.logs, 'quiet-1_stream.jsonl'));
    const pinnedPanes = await sb.panePids('agent_pinned-1');
    await new Promise((r) => setTimeout(r, 3500));

    const [created, sessionActivity, windowActivity] = await formats(
      sb,
      'agent_tick-1',
      'session_created',
      'session_activity',
      'window_activity',
    );
    assert.equal(sessionActivity, created, 'session_activity has not moved although the pane printed for 3.5 s');
    assert.ok(windowActivity! >= created! + 2, `window_activity moved: ${created} -> ${windowActivity}`);
    // Judged by session_activity, the ticking agent would be past a 2.4 s threshold.
    assert.ok(Date.now() / 1000 - sessionActivity! > 2.4);

    const r = await sweep(sb, ['--idle-minutes', '0.04']);

    assert.equal(r.exitCode, 0, JSON.stringify(r.report.errors));
    const verdicts = Object.fromEntries(r.report.agents.map((a) => [a.agentId, a.verdict]));
    assert.deepEqual(verdicts, { 'tick-1': 'active', 'quiet-1': 'idle', 'pinned-1': 'pinned' });
    assert.deepEqual(await sb.sessions(), ['agent_pinned-1', 'agent_tick-1']);
    assert.deepEqual(listFiles(task.logs), ['pinned-1_stream.jsonl', 'tick-1_stream.jsonl']);
    const manifest = fs.readFileSync(path.join(task.archive, 'MANIFEST.jsonl'), 'utf8');
    assert.ok(
      manifest.split('\n').some((l) => l.includes('"source":"logs/quiet-1_stream.jsonl"') && l.includes(quietHash)),
      manifest,
    );
    for (const pid of pinnedPanes) assert.ok(isRunning(pid));
  });

  it('g. a half-written registry is reported and never acted on; a naive grep still finds "completed" in it', async () => {
    const sb = fresh();
    await sb.startSession('agent_half-1');
    const panes = await sb.panePids('agent_half-1');
    const task = makeTask(sb.workspace);
    const full = JSON.stringify(
      {
        task_id: 'x',
        agents: [
          { id: 'half-1', status: 'completed', tmux_session: 'agent_half-1' },
          { id: 'half-2', status: 'running' },
        ],
      },
      null,
      2,
    );
    fs.writeFileSync(task.registry, full.slice(0, full.indexOf('"half-2"')));
    const log = task.log('half-1_stream.jsonl', 'keep\n');
    const prompt = task.prompt('half-1');
    const hash = sha256File(log);

    const grep = await naive(sb, `grep -q '"status": "completed"' '${task.registry}' && grep -o 'agent_half-1' '${task.registry}'`);
    assert.equal(grep.stdout, 'agent_half-1', 'the naive daemon would kill this session');

    const r = await sweep(sb);
    assert.equal(r.exitCode, 1);
    assert.ok(
      r.report.errors.some((e) => e.path === task.registry && /invalid JSON/.test(e.message)),
      JSON.stringify(r.report.errors),
    );
    assert.deepEqual(r.report.actions, []);
    assert.deepEqual(await sb.sessions(), ['agent_half-1']);
    for (const pid of panes) assert.ok(isRunning(pid));
    assert.equal(sha256File(log), hash);
    assert.ok(fs.existsSync(prompt));
    const orphan = r.report.orphans.find((o) => o.kind === 'orphan-session');
    assert.match(orphan?.reason ?? '', /some registries could not be read/);
  });
});
