import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { ConfigInput, DaemonEvent } from '../../src/shared/index.js';
import { JanitorDaemon } from '../../src/core/daemon/janitor-daemon.js';
import type { WatchFn } from '../../src/core/daemon/workspace-watcher.js';
import { makeTask } from '../helpers/fixture.js';
import { DbWriter, createStateDb, makeOrchestratorTask } from '../helpers/orchestrator.js';
import { sandboxPool, waitFor, type Sandbox } from '../helpers/sandbox.js';
import { limitedWatch } from '../helpers/watch.js';

/**
 * The daemon's watcher follows active work (issue 11 point 3): the registries of tasks that can still change are
 * watched, and a write there is swept at once; a finished task is dropped and left to the periodic full reconcile.
 * In-process daemons on a sandbox (private tmux socket, state dir inside it); the reconcile period is an hour, so a
 * sweep seen here came from the watcher.
 */

const pool = sandboxPool();
const daemons: JanitorDaemon[] = [];
after(() => pool.cleanupAll());
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop('test-end');
});

const SWEPT_AT_ONCE_MS = 3000;

function startDaemon(
  sb: Sandbox,
  config: ConfigInput = {},
  watch?: WatchFn,
): { daemon: JanitorDaemon; events: DaemonEvent[]; ready: Promise<void> } {
  const events: DaemonEvent[] = [];
  const daemon = new JanitorDaemon(sb.config({ reconcileSeconds: 3600, ...config }), {
    stateDir: path.join(sb.dir, 'state', 'agent-janitor'),
    emit: (e) => events.push(e),
    watcher: { pollMs: 100, ...(watch ? { watch } : {}) },
  });
  daemons.push(daemon);
  return { daemon, events, ready: daemon.start() };
}

const sweptTask = (events: readonly DaemonEvent[], from: number, agentId: string) =>
  events
    .slice(from)
    .some((e) => e.event === 'action' && e.action.kind === 'record-outcome' && e.action.agentId === agentId && e.action.outcome === 'done');
const watchSweeps = (events: readonly DaemonEvent[], from: number) =>
  events.slice(from).filter((e) => e.event === 'sweep' && e.trigger === 'watch').length;

describe('daemon watcher: active tasks only', () => {
  it('watches an active task and sweeps a write to it at once; drops it once finished; a finished task waits for the reconcile', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_a-1');
    const active = makeTask(sb.workspace, [{ id: 'a-1', status: 'running', tmux_session: 'agent_a-1' }]);
    const finished = makeTask(sb.workspace, [{ id: 'f-1', status: 'completed', tmux_session: null }]);
    const { daemon, events, ready } = startDaemon(sb);
    await ready;
    assert.deepEqual(daemon.watching().tasks, [active.dir], 'only the task with a running agent');
    assert.equal(daemon.watching().watches, 2, 'the base and one registry');

    let from = events.length;
    active.writeRegistry([{ id: 'a-1', status: 'completed', tmux_session: 'agent_a-1' }]);
    const t0 = Date.now();
    assert.ok(await waitFor(() => sweptTask(events, from, 'a-1'), SWEPT_AT_ONCE_MS), 'the write to an active registry is swept at once');
    assert.ok(Date.now() - t0 < SWEPT_AT_ONCE_MS);
    assert.deepEqual(await sb.sessions(), []);
    assert.ok(await waitFor(() => daemon.watching().tasks.length === 0), 'a task whose agents were all cleaned is dropped');
    assert.equal(daemon.watching().watches, 1);

    from = events.length;
    finished.writeRegistry([
      { id: 'f-1', status: 'completed', tmux_session: null },
      { id: 'f-2', status: 'running', tmux_session: null },
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(watchSweeps(events, from), 0, 'a finished task is not watched: its write waits for the reconcile');
    daemon.reconcile();
    assert.ok(
      await waitFor(() => daemon.watching().tasks.includes(finished.dir), 5000),
      'the reconcile finds it active again, and it is watched',
    );
  });

  it('sees a new TASK-* folder at once, follows it, and sweeps writes to it', async () => {
    const sb = pool.fresh();
    const { daemon, events, ready } = startDaemon(sb);
    await ready;
    assert.deepEqual(daemon.watching().tasks, []);
    await sb.startSession('agent_n-1');
    let from = events.length;
    const late = makeTask(sb.workspace, [{ id: 'n-1', status: 'running', tmux_session: 'agent_n-1' }]);
    assert.ok(await waitFor(() => watchSweeps(events, from) > 0, SWEPT_AT_ONCE_MS), 'a sweep for the new folder');
    assert.deepEqual(daemon.watching().tasks, [late.dir]);
    from = events.length;
    late.writeRegistry([{ id: 'n-1', status: 'completed', tmux_session: 'agent_n-1' }]);
    assert.ok(await waitFor(() => sweptTask(events, from, 'n-1'), SWEPT_AT_ONCE_MS), 'its registry is watched');
  });

  it('sees a write to the state database and cleans the agent it finished', async () => {
    const sb = pool.fresh();
    const name = 'TASK-20260115-101500-ab12cd34';
    makeOrchestratorTask(sb.workspace, name);
    await sb.startSession('agent_db-1');
    const writer = await DbWriter.open(createStateDb(sb.workspace, [{ id: 'db-1', task: name, status: 'working', session: 'agent_db-1' }]));
    try {
      const { daemon, events, ready } = startDaemon(sb, { finishGraceSeconds: 0 });
      await ready;
      assert.deepEqual(daemon.watching().tasks, [], "a task whose agents are the database's: no registry watch");
      const from = events.length;
      await writer.setStatus('db-1', 'completed');
      assert.ok(await waitFor(() => sweptTask(events, from, 'db-1'), SWEPT_AT_ONCE_MS), 'the database write is swept at once');
      assert.deepEqual(await sb.sessions(), []);
    } finally {
      await writer.close();
    }
  });
});

describe('daemon watcher: inotify refuses a watch', () => {
  it('polls instead, says so, and still sweeps a registry write and a new task', async () => {
    const sb = pool.fresh();
    await sb.startSession('agent_p-1');
    const task = makeTask(sb.workspace, [{ id: 'p-1', status: 'running', tmux_session: 'agent_p-1' }]);
    const { daemon, events, ready } = startDaemon(sb, {}, limitedWatch(0));
    await ready;
    const readyEvent = events.find((e) => e.event === 'ready');
    assert.ok(readyEvent?.event === 'ready' && readyEvent.watch === 'polling', JSON.stringify(readyEvent));
    assert.equal(events.filter((e) => e.event === 'watch-fallback').length, 1);
    assert.deepEqual(daemon.watching(), { mode: 'polling', watches: 0, tasks: [task.dir] });

    let from = events.length;
    fs.writeFileSync(
      task.registry,
      JSON.stringify({
        agents: [{ id: 'p-1', status: 'completed', tmux_session: 'agent_p-1', completed_at: new Date(Date.now() - 60_000).toISOString() }],
      }),
    );
    assert.ok(await waitFor(() => sweptTask(events, from, 'p-1'), SWEPT_AT_ONCE_MS), 'a polled registry write is swept');
    from = events.length;
    const late = makeTask(sb.workspace, [{ id: 'p-2', status: 'running', tmux_session: null }]);
    assert.ok(await waitFor(() => daemon.watching().tasks.includes(late.dir), SWEPT_AT_ONCE_MS), 'a new task is seen by polling');
    assert.ok(await waitFor(() => watchSweeps(events, from) > 0, SWEPT_AT_ONCE_MS), 'and swept');
  });

  it('tries inotify again on a reload, as the user may have raised the limit meanwhile', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [{ id: 'r-1', status: 'running', tmux_session: null }]);
    const watch = limitedWatch(0);
    const { daemon, ready } = startDaemon(sb, {}, watch);
    await ready;
    assert.equal(daemon.watching().mode, 'polling');
    watch.allowed = Infinity;
    await daemon.reload(sb.config({ reconcileSeconds: 3600 }));
    assert.deepEqual(daemon.watching(), { mode: 'inotify', watches: 2, tasks: [task.dir] });
  });
});
