import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { runJson } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { DbWriter, createStateDb, makeOrchestratorTask, pythonNow, writeFootprint } from '../helpers/orchestrator.js';
import { isRunning, sandboxPool, sha256File, waitFor, type Sandbox } from '../helpers/sandbox.js';

/**
 * SPEC.md step 0: an agent reported finished while its pane processes still run (claude writing its final answer,
 * the orchestrator's completion notifier still to come) is left to exit on its own for finishGraceSeconds, counted
 * from its own completed_at or the janitor's first sight; it is cleaned when its processes are gone or the grace is
 * over. A one-shot sweep does not wait; clean-agent acts at once.
 */

const pool = sandboxPool();
after(() => pool.cleanupAll());

const TASK = 'TASK-20260115-101500-ab12cd34';
const OTHER = 'TASK-20260115-121500-0123abcd';

function writeConfig(sb: Sandbox, config: Record<string, unknown>): string {
  const file = path.join(sb.dir, 'janitor.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('finish grace: one-shot commands', () => {
  it('sweep reports a finishing agent as skipped, saying until when, and touches nothing; clean-agent then acts at once', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    createStateDb(sb.workspace, [{ id: 'fin-1', task: TASK, status: 'completed', completedAt: pythonNow(-2_000) }]);
    await sb.startSession('agent_fin-1');
    const files = writeFootprint(task, 'fin-1');
    const stream = sha256File(files.stream);

    const r = await runJson(sb, ['sweep']);
    assert.equal(r.exitCode, 0);
    const [agent] = r.report.agents;
    assert.equal(agent?.verdict, 'finishing');
    assert.ok(
      agent?.graceSeconds !== null && agent!.graceSeconds! > 10 && agent!.graceSeconds! <= 18,
      `grace left: ${agent?.graceSeconds}`,
    );
    assert.ok(Math.abs(Date.parse(agent!.graceEndsAt!) - (Date.now() + agent!.graceSeconds! * 1000)) < 5_000);
    assert.deepEqual(
      r.report.actions.map((a) => [a.kind, a.outcome]),
      [['kill-session', 'skipped']],
    );
    assert.match(r.report.actions[0]?.detail ?? '', /^finishing: left to exit on its own until \d{4}-\d\d-\d\dT/);
    assert.deepEqual(await sb.sessions(), ['agent_fin-1']);
    assert.equal(sha256File(files.stream), stream);
    assert.ok(fs.existsSync(files.prompt));

    const now = await runJson(sb, ['clean-agent', 'fin-1']);
    assert.equal(now.exitCode, 0);
    assert.deepEqual(await sb.sessions(), []);
    assert.equal(sha256File(path.join(task, 'archive', 'fin-1_stream.jsonl')), stream);
  });
});

describe('finish grace: the daemon', () => {
  let daemon: DaemonProcess | null = null;
  let writer: DbWriter | null = null;
  afterEach(async () => {
    await daemon?.stop();
    await writer?.close();
    daemon = null;
    writer = null;
  });

  it('leaves a finishing agent alone until its grace ends, then captures its last output and cleans it', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    writer = await DbWriter.open(createStateDb(sb.workspace, [{ id: 'gr-1', task: TASK, status: 'working' }]));
    await sb.startSession('agent_gr-1', "sh -c 'echo final answer of gr-1; exec sleep 100000'");
    const panes = await sb.panePids('agent_gr-1');
    const files = writeFootprint(task, 'gr-1');
    daemon = DaemonProcess.start(sb, ['--config', writeConfig(sb, { finishGraceSeconds: 3 })]);
    await daemon.waitFor((e) => e.event === 'ready');

    const reported = Date.now();
    await writer.setStatus('gr-1', 'completed');
    const finishing = await daemon.waitFor((e) => e.event === 'finishing' && e.agentId === 'gr-1');
    assert.ok(finishing.event === 'finishing' && finishing.graceSeconds > 0 && finishing.graceSeconds <= 3);
    assert.deepEqual(await sb.sessions(), ['agent_gr-1'], 'still running during its grace');
    const kill = await daemon.waitFor(
      (e) => e.event === 'action' && e.action.kind === 'kill-session' && e.action.agentId === 'gr-1' && e.action.outcome === 'done',
      20_000,
    );
    assert.ok(Date.now() - reported >= 2_000, 'not before the grace is (nearly) over');
    assert.ok(kill.event === 'action' && /finish grace ended/.test(kill.action.reason), JSON.stringify(kill));
    assert.ok(await waitFor(() => panes.every((pid) => !isRunning(pid))));
    const scrollback = fs.readFileSync(path.join(task, 'archive', 'gr-1_scrollback.txt'), 'utf8');
    assert.match(scrollback, /final answer of gr-1/);
    assert.ok(await waitFor(() => fs.existsSync(path.join(task, 'archive', 'gr-1_findings.jsonl')) && !fs.existsSync(files.prompt)));
  });

  it('cleans a finishing agent as soon as its processes exit, long before its grace ends', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    writer = await DbWriter.open(createStateDb(sb.workspace, [{ id: 'ex-1', task: TASK, status: 'working' }]));
    const stop = path.join(sb.dir, 'stop-ex-1');
    await sb.startSession('agent_ex-1', `sh -c 'while [ ! -e ${stop} ]; do sleep 0.1; done'`);
    const files = writeFootprint(task, 'ex-1');
    const stream = sha256File(files.stream);
    daemon = DaemonProcess.start(sb, ['--config', writeConfig(sb, { finishGraceSeconds: 120 })]);
    await daemon.waitFor((e) => e.event === 'ready');
    await writer.setStatus('ex-1', 'completed');
    await daemon.waitFor((e) => e.event === 'finishing' && e.agentId === 'ex-1');
    const exited = Date.now();
    fs.writeFileSync(stop, '');
    await daemon.waitFor(
      (e) =>
        e.event === 'action' &&
        e.action.kind === 'archive-file' &&
        e.action.target === 'logs/ex-1_stream.jsonl' &&
        e.action.outcome === 'done',
      20_000,
    );
    assert.ok(Date.now() - exited < 60_000, 'well inside the 120 s grace');
    assert.equal(sha256File(path.join(task, 'archive', 'ex-1_stream.jsonl')), stream);
    assert.deepEqual(await sb.sessions(), []);
  });

  it('re-plans only the task whose agents changed in the database; a progress report alone re-plans nothing', async () => {
    const sb = pool.fresh();
    const task = makeOrchestratorTask(sb.workspace, TASK);
    makeOrchestratorTask(sb.workspace, OTHER);
    writer = await DbWriter.open(
      createStateDb(sb.workspace, [
        { id: 'db-1', task: TASK, status: 'working' },
        { id: 'db-2', task: OTHER, status: 'working' },
      ]),
    );
    await sb.startSession('agent_db-1');
    await sb.startSession('agent_db-2');
    writeFootprint(task, 'db-1');
    daemon = DaemonProcess.start(sb, ['--config', writeConfig(sb, { finishGraceSeconds: 0, reconcileSeconds: 3600 })]);
    await daemon.waitFor((e) => e.event === 'ready');

    let from = daemon.events.length;
    await writer.run('UPDATE agents SET progress = 60, last_update = ? WHERE agent_id = ?', pythonNow(), 'db-2');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(
      daemon.events.slice(from).filter((e) => e.event === 'sweep'),
      [],
      'a progress report changes no verdict',
    );

    from = daemon.events.length;
    const changed = Date.now();
    await writer.setStatus('db-1', 'completed');
    const sweep = await daemon.waitFor((e) => e.event === 'sweep' && e.trigger === 'watch' && (e.actions.done ?? 0) > 0, 15_000, from);
    assert.ok(sweep.event === 'sweep' && sweep.tasks === 1, `one task re-planned: ${JSON.stringify(sweep)}`);
    assert.ok(Date.now() - changed < 10_000);
    assert.deepEqual(await sb.sessions(), ['agent_db-2']);
  });
});
