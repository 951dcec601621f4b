import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { listFiles, makeTask, withCompletionTimes } from '../helpers/fixture.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';

describe('agent-janitor daemon', () => {
  let sb: Sandbox;
  const daemons: DaemonProcess[] = [];
  const start = (args: string[] = []) => {
    const d = DaemonProcess.start(sb, args);
    daemons.push(d);
    return d;
  };
  beforeEach(() => {
    sb = Sandbox.create();
  });
  afterEach(async () => {
    for (const d of daemons.splice(0)) await d.stop('SIGKILL');
    await sb.cleanup();
  });

  it('says ready after the first reconcile, then cleans an agent as soon as its registry says it finished', async () => {
    await sb.startSession('agent_w-1');
    await sb.startSession('agent_w-2');
    const task = makeTask(sb.workspace, [
      { id: 'w-1', status: 'running', tmux_session: 'agent_w-1' },
      { id: 'w-2', status: 'running', tmux_session: 'agent_w-2' },
    ]);
    const log = task.log('w-1_stream.jsonl', 'output\n');
    task.prompt('w-1');
    const d = start();
    const ready = await d.waitFor((e) => e.event === 'ready');
    assert.ok(
      d.events.slice(0, d.events.indexOf(ready)).some((e) => e.event === 'sweep' && e.trigger === 'start'),
      'ready comes after the start sweep',
    );
    assert.ok(ready.event === 'ready' && ready.tasks === 1 && ready.agents === 2);

    // In place, as the orchestrator does: same inode, new content.
    fs.writeFileSync(
      task.registry,
      JSON.stringify({
        agents: withCompletionTimes([
          { id: 'w-1', status: 'completed', tmux_session: 'agent_w-1' },
          { id: 'w-2', status: 'running', tmux_session: 'agent_w-2' },
        ]),
      }),
    );
    await d.waitFor((e) => e.event === 'action' && e.action.kind === 'record-outcome' && e.action.agentId === 'w-1');
    assert.deepEqual(await sb.sessions(), ['agent_w-2']);
    assert.ok(!fs.existsSync(log));
    assert.ok(listFiles(task.archive).includes('w-1_stream.jsonl'));

    const status = await runCli(sb, ['status', '--json']);
    const parsed = JSON.parse(status.stdout) as { running: boolean; pid: number; sweeps: number };
    assert.equal(parsed.running, true);
    assert.equal(parsed.pid, d.child.pid);
    assert.ok(parsed.sweeps >= 2);

    assert.equal(await d.stop('SIGTERM'), 0);
    assert.ok(d.events.some((e) => e.event === 'stopping'));
    assert.match((await runCli(sb, ['status'])).stdout, /no daemon running/);
    // Its own log holds the same events.
    const ownLog = fs
      .readFileSync(path.join(sb.dir, 'state', 'agent-janitor', 'janitor.log'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(ownLog.length, d.events.length, ownLog.join('\n'));
    assert.equal((JSON.parse(ownLog[0]!) as { event: string }).event, d.events[0]?.event);
  });

  it('never acts on a half-written registry, and acts as soon as it is whole', async () => {
    await sb.startSession('agent_h-1');
    const task = makeTask(sb.workspace, [{ id: 'h-1', status: 'running', tmux_session: 'agent_h-1' }]);
    const d = start();
    await d.waitFor((e) => e.event === 'ready');
    const whole = JSON.stringify({ agents: withCompletionTimes([{ id: 'h-1', status: 'completed', tmux_session: 'agent_h-1' }]) });
    fs.writeFileSync(task.registry, whole.slice(0, whole.length - 9));
    await d.waitFor((e) => e.event === 'error' && e.error.path === task.registry);
    assert.deepEqual(await sb.sessions(), ['agent_h-1'], 'nothing done on a half-written file');
    fs.writeFileSync(task.registry, whole);
    await d.waitFor((e) => e.event === 'action' && e.action.kind === 'kill-session' && e.action.outcome === 'done');
    assert.deepEqual(await sb.sessions(), []);
  });

  it('picks up tasks that appear after it started, and reports an orphan session once', async () => {
    await sb.startSession('agent_orphan-1');
    const d = start();
    await d.waitFor((e) => e.event === 'ready');
    await d.waitFor((e) => e.event === 'orphan' && e.orphan.kind === 'orphan-session');
    await sb.startSession('agent_late-1');
    const task = makeTask(sb.workspace, [{ id: 'late-1', status: 'completed', tmux_session: 'agent_late-1' }]);
    task.log('late-1_stream.jsonl', 'late\n');
    await d.waitFor((e) => e.event === 'action' && e.action.agentId === 'late-1' && e.action.kind === 'record-outcome');
    assert.deepEqual(await sb.sessions(), ['agent_orphan-1'], 'an orphan is reported, not killed');
    assert.equal(d.events.filter((e) => e.event === 'orphan').length, 1);
  });

  it('runs once per user: a second daemon exits 1 and names the first', async () => {
    const first = start();
    await first.waitFor((e) => e.event === 'ready');
    const second = start();
    assert.equal(await second.exited, 1);
    assert.match(second.stderr, new RegExp(`another agent-janitor daemon is running \\(pid ${first.child.pid}\\)`));
  });

  it('starts at once after a kill -9, without waiting for the stale lock', async () => {
    const first = start();
    await first.waitFor((e) => e.event === 'ready');
    await first.stop('SIGKILL');
    const second = start();
    await second.waitFor((e) => e.event === 'ready', 5000);
  });

  it('warns before cleaning an idle agent, cleans it at the threshold, and never cleans a pinned one', async () => {
    await sb.startSession('agent_quiet-1');
    await sb.startSession('agent_pinned-1');
    makeTask(sb.workspace, [
      { id: 'quiet-1', status: 'running', tmux_session: 'agent_quiet-1' },
      { id: 'pinned-1', status: 'running', tmux_session: 'agent_pinned-1', pinned: true },
    ]);
    const config = path.join(sb.dir, 'config.json');
    // 2.4 s threshold, warning from 0.6 s of silence on, a reconcile every 0.5 s.
    fs.writeFileSync(config, JSON.stringify({ idleMinutes: 0.04, idleWarningMinutes: 0.03, reconcileSeconds: 0.5 }));
    const d = start(['--config', config]);
    const warning = await d.waitFor((e) => e.event === 'idle-warning' && e.agentId === 'quiet-1');
    assert.ok(warning.event === 'idle-warning' && warning.cleanInMinutes >= 0 && warning.idleMinutes < 0.04);
    const kill = await d.waitFor((e) => e.event === 'action' && e.action.kind === 'kill-session' && e.action.agentId === 'quiet-1', 20_000);
    assert.ok(d.events.indexOf(warning) < d.events.indexOf(kill), 'the warning comes first');
    assert.ok(await waitFor(async () => (await sb.sessions()).join() === 'agent_pinned-1'));
    assert.ok(!d.events.some((e) => e.event === 'idle-warning' && e.agentId === 'pinned-1'));
  });

  it('caps its own log and rotates it', async () => {
    const config = path.join(sb.dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ logMaxBytes: 2048, logFiles: 2, reconcileSeconds: 0.1 }));
    const d = start(['--config', config]);
    await d.waitFor((e) => e.event === 'ready');
    const dir = path.join(sb.dir, 'state', 'agent-janitor');
    await d.waitFor(() => fs.existsSync(path.join(dir, 'janitor.log.2')), 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await d.stop('SIGTERM'), 0);
    const logs = listFiles(dir).filter((f) => f.startsWith('janitor.log'));
    assert.deepEqual(logs, ['janitor.log', 'janitor.log.1', 'janitor.log.2']);
    for (const f of logs) assert.ok(fs.statSync(path.join(dir, f)).size <= 2048 + 1024, `${f} is capped`);
  });

  it('reloads its config on SIGHUP, and keeps the old one when the new one is invalid', async () => {
    const config = path.join(sb.dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ idleMinutes: 110 }));
    const d = start(['--config', config]);
    await d.waitFor((e) => e.event === 'ready');
    fs.writeFileSync(config, JSON.stringify({ idleMinutes: 'soon' }));
    d.child.kill('SIGHUP');
    const bad = await d.waitFor((e) => e.event === 'reload');
    assert.ok(bad.event === 'reload' && !bad.ok && /idleMinutes/.test(bad.message) && bad.message.includes(config));
    fs.writeFileSync(config, JSON.stringify({ idleMinutes: 90 }));
    const from = d.events.length;
    d.child.kill('SIGHUP');
    const good = await d.waitFor((e) => e.event === 'reload', 15_000, from);
    assert.ok(good.event === 'reload' && good.ok);
    assert.equal(await d.stop('SIGINT'), 0);
  });
});

describe('agent-janitor daemon against a hanging tmux', () => {
  it('reports the stalled step, backs off the task, and keeps serving the others', async () => {
    const sb = Sandbox.create();
    const d0: DaemonProcess[] = [];
    try {
      // Answers the listing at once (one live pane for agent_hang-1) but takes 4 s over every batch. Given by path,
      // never on PATH; it ends by itself.
      const tmux = path.join(sb.dir, 'tmux-hangs');
      fs.writeFileSync(
        tmux,
        `#!/bin/sh\ncase "$*" in\n  *list-panes*) printf '4242\\t$7\\t1795000000\\t%%9\\t4243\\t0\\t0\\tagent_hang-1\\n' ;;\n  *) sleep 4 ;;\nesac\n`,
        { mode: 0o755 },
      );
      const config = path.join(sb.dir, 'config.json');
      const metrics = path.join(sb.dir, 'metrics', 'agent_janitor.prom');
      fs.writeFileSync(
        config,
        JSON.stringify({
          tmuxBinary: tmux,
          timeouts: { stepMs: 1000, tmuxMs: 10_000 },
          breakerThreshold: 1,
          reconcileSeconds: 0.5,
          metricsPath: metrics,
        }),
      );
      const hung = makeTask(sb.workspace, [{ id: 'hang-1', status: 'completed', tmux_session: 'agent_hang-1' }]);
      const hungLog = hung.log('hang-1_stream.jsonl', 'keep\n');
      const d = DaemonProcess.start(sb, ['--config', config]);
      d0.push(d);
      const stalled = await d.waitFor((e) => e.event === 'stalled');
      assert.ok(stalled.event === 'stalled' && stalled.step === 'capture scrollback' && stalled.limitMs === 1000);
      const breaker = await d.waitFor((e) => e.event === 'breaker');
      assert.ok(breaker.event === 'breaker' && breaker.task === hung.dir);
      assert.ok(fs.existsSync(hungLog), 'a session that could not be captured keeps its logs');

      // Another task, no session: served while the broken one is backed off.
      const free = makeTask(sb.workspace, [{ id: 'free-1', status: 'completed', tmux_session: null }]);
      free.log('free-1_stream.jsonl', 'free\n');
      await d.waitFor(
        (e) => e.event === 'action' && e.action.agentId === 'free-1' && e.action.kind === 'archive-file' && e.action.outcome === 'done',
        15_000,
      );

      const status = JSON.parse((await runCli(sb, ['status', '--json'])).stdout) as {
        running: boolean;
        failures: number;
        breakers: { task: string }[];
      };
      assert.equal(status.running, true);
      assert.ok(status.failures >= 1);
      assert.deepEqual(
        status.breakers.map((b) => b.task),
        [hung.dir],
      );
      const prom = fs.readFileSync(metrics, 'utf8');
      assert.match(prom, /^agent_janitor_open_breakers 1$/m);
      assert.match(prom, /^agent_janitor_actions_total\{outcome="done"\} \d+$/m);
      assert.equal(await d.stop('SIGTERM'), 0);
    } finally {
      for (const d of d0) await d.stop('SIGKILL');
      await sb.cleanup();
    }
  });
});
