import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { ClaimsIndex } from '../../src/core/sweep/claims.js';
import { runCleanup } from '../../src/core/index.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { isRunning, sandboxPool, waitFor } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

/** Task A's agent names task B's session: by mistake, or by an agent that wrote A's registry. */
async function twoTasks(aStatus: string) {
  const sb = pool.fresh();
  const a = makeTask(sb.workspace, [{ id: 'a-1', status: aStatus, tmux_session: 'agent_b-1' }]);
  const b = makeTask(sb.workspace, [{ id: 'b-1', status: 'running', tmux_session: 'agent_b-1' }]);
  b.prompt('b-1');
  await sb.startSession('agent_b-1');
  return { sb, a, b };
}

const killOf = (report: Awaited<ReturnType<typeof runCleanup>>, agentId: string) =>
  report.actions.find((x) => x.kind === 'kill-session' && x.agentId === agentId);

describe('a session is killed only when no unfinished agent anywhere claims it (issue 9 point 5)', () => {
  it('a half-written registry in another task still protects the sessions its prompts name', async () => {
    const { sb, b } = await twoTasks('completed');
    fs.writeFileSync(b.registry, '{"task_id": "x", "agents": [{"id": "b-1", "status": "runn');
    const report = await runCleanup(sb.config(), { dryRun: false });
    assert.deepEqual(await sb.sessions(), ['agent_b-1'], 'the session of the task whose registry is half-written lives');
    assert.equal(killOf(report, 'a-1')?.outcome, 'skipped');
    assert.match(killOf(report, 'a-1')?.detail ?? '', /also named by agent b-1 \(status unknown/);
  });

  it("a per-task sweep consults the index of every task's claims, and an unreadable registry keeps its last known ones", async () => {
    const { sb, a, b } = await twoTasks('running');
    const claims = new ClaimsIndex();
    await runCleanup(sb.config(), { dryRun: false, claims });
    a.writeRegistry([{ id: 'a-1', status: 'completed', tmux_session: 'agent_b-1' }]);

    const blind = await runCleanup(sb.config(), { dryRun: true, tasks: [a.dir] });
    assert.equal(killOf(blind, 'a-1')?.outcome, 'planned', 'without the index, the other task is not seen (the defect)');
    const partial = await runCleanup(sb.config(), { dryRun: false, tasks: [a.dir], claims });
    assert.equal(killOf(partial, 'a-1')?.outcome, 'skipped');
    assert.deepEqual(await sb.sessions(), ['agent_b-1']);

    // B's registry goes bad, and its prompt is gone: its last good read still counts.
    fs.writeFileSync(b.registry, '{ "agents": [');
    fs.rmSync(`${b.dir}/agent_prompt_b-1.txt`);
    await runCleanup(sb.config(), { dryRun: false, tasks: [b.dir], claims });
    const again = await runCleanup(sb.config(), { dryRun: false, claims });
    assert.equal(killOf(again, 'a-1')?.outcome, 'skipped');
    assert.deepEqual(await sb.sessions(), ['agent_b-1']);
  });

  it("the daemon's per-task sweep leaves another task's running session alone", async () => {
    const { sb, a } = await twoTasks('running');
    const d = DaemonProcess.start(sb);
    try {
      await d.waitFor((e) => e.event === 'ready');
      const from = d.events.length;
      a.writeRegistry([{ id: 'a-1', status: 'completed', tmux_session: 'agent_b-1' }]);
      const sweep = await d.waitFor((e) => e.event === 'sweep' && e.trigger === 'watch', 15_000, from);
      // Only task A was re-planned; its kill is skipped (the daemon reports done and failed actions one by one).
      assert.ok(
        sweep.event === 'sweep' && sweep.tasks === 1 && sweep.actions.done === 0 && (sweep.actions.skipped ?? 0) >= 1,
        JSON.stringify(sweep),
      );
      assert.deepEqual(await sb.sessions(), ['agent_b-1']);
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });

  it('a process that carries a killed pane in its environment but lives in another live session is not killed', async () => {
    const sb = pool.fresh();
    makeTask(sb.workspace, [
      { id: 'e-1', status: 'completed', tmux_session: 'agent_e-1' },
      { id: 'e-2', status: 'running', tmux_session: 'agent_e-2' },
    ]);
    await sb.startSession('agent_e-1');
    const pane = (await sb.tmux('display-message', '-p', '-t', '=agent_e-1:', '#{pane_id}')).stdout.trim();
    assert.match(pane, /^%\d+$/);
    await sb.startSession('agent_e-2', `env TMUX_PANE='${pane}' sleep 100014`);
    const [inOther] = await sb.panePids('agent_e-2');
    assert.ok(inOther && isRunning(inOther));

    const report = await runCleanup(sb.config(), { dryRun: false });

    assert.deepEqual(await sb.sessions(), ['agent_e-2']);
    assert.ok(isRunning(inOther), 'the process in the other live session still runs');
    assert.doesNotMatch(
      report.actions.find((x) => x.kind === 'signal-processes' && x.agentId === 'e-1')?.detail ?? '',
      new RegExp(`\\b${inOther}\\b`),
    );
    assert.ok(await waitFor(() => isRunning(inOther), 500));
  });
});
