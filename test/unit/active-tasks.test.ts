import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionResult, AgentReport, SweepReport, Verdict } from '../../src/shared/index.js';
import { ActiveTasks, NEW_TASK_WATCH_MS, type PlanScope, type TaskWatchSet } from '../../src/core/daemon/active-tasks.js';

/** The watcher's side: the set ActiveTasks steers, and when each task was last (re)watched. */
class FakeWatchSet implements TaskWatchSet {
  readonly watchedTasks = new Set<string>();
  readonly since = new Map<string, number>();
  watchTask(taskDir: string, since: number): void {
    this.watchedTasks.add(taskDir);
    this.since.set(taskDir, since);
  }
  unwatchTask(taskDir: string): void {
    this.watchedTasks.delete(taskDir);
  }
}

const A = '/ws/.agent-workspace/TASK-20261124-100001-a0000001';
const B = '/ws/.agent-workspace/TASK-20261124-100002-a0000002';
const C = '/ws/.agent-workspace/TASK-20261124-100003-a0000003';

function agent(task: string, agentId: string, verdict: Verdict, source: 'registry' | 'database' = 'registry'): AgentReport {
  return {
    task,
    agentId,
    status: verdict === 'clean' || verdict === 'finished' ? 'completed' : 'running',
    verdict,
    reason: '',
    session: null,
    sessionAlive: false,
    idleMinutes: null,
    pinned: false,
    source,
    graceEndsAt: null,
    graceSeconds: null,
  };
}

function action(task: string, agentId: string, outcome: ActionResult['outcome']): ActionResult {
  return { kind: 'record-outcome', task, agentId, target: agentId, outcome, reason: 'finished' };
}

function report(agents: AgentReport[], actions: ActionResult[] = [], errors: SweepReport['errors'] = []): SweepReport {
  return {
    agents,
    actions,
    orphans: [],
    errors,
    stats: {
      roots: 1,
      tasks: 3,
      registries: 3,
      databases: 0,
      agents: agents.length,
      actions: { done: 0, skipped: 0, failed: 0, planned: 0 },
      tmuxSpawns: 1,
      dryRun: false,
      engineMs: 1,
      stepsMs: {},
      timeouts: [],
    },
  };
}

const full = (startedAt = 1): PlanScope => ({ tasks: null, skipped: new Set(), startedAt });
const only = (tasks: string[], startedAt = 1): PlanScope => ({ tasks, skipped: new Set(), startedAt });

describe('ActiveTasks: which registries the watcher follows', () => {
  it('a full plan watches the tasks with a registry agent that is not clean, and drops the rest', () => {
    const watch = new FakeWatchSet();
    const active = new ActiveTasks(watch);
    watch.watchTask(C, 0);
    active.record(
      report([agent(A, 'a-1', 'active'), agent(A, 'a-2', 'clean'), agent(B, 'b-1', 'clean'), agent(C, 'c-1', 'clean')]),
      full(42),
      1000,
    );
    assert.deepEqual([...watch.watchedTasks], [A]);
    assert.equal(watch.since.get(A), 42, 'a write after the plan began counts');
  });

  it('every verdict but clean can still change: finishing, idle, ghost, invalid, session-missing, pinned', () => {
    for (const verdict of ['finishing', 'idle', 'ghost', 'invalid', 'session-missing', 'pinned', 'finished'] as Verdict[]) {
      const watch = new FakeWatchSet();
      new ActiveTasks(watch).record(report([agent(A, 'a-1', verdict)]), full(), 1000);
      assert.deepEqual([...watch.watchedTasks], [A], verdict);
    }
  });

  it("agents of the state database are followed through the database's own watch", () => {
    const watch = new FakeWatchSet();
    new ActiveTasks(watch).record(report([agent(A, 'a-1', 'active', 'database')]), full(), 1000);
    assert.deepEqual([...watch.watchedTasks], []);
  });

  it('an unreadable registry is watched: the orchestrator may be half-way through writing it', () => {
    const watch = new FakeWatchSet();
    new ActiveTasks(watch).record(
      report([], [], [{ path: `${B}/AGENT_REGISTRY.json`, message: 'Unexpected end of JSON input' }]),
      full(),
      1000,
    );
    assert.deepEqual([...watch.watchedTasks], [B]);
  });

  it('a finished agent whose every action was done is clean from this sweep on; one with a failed action is not', () => {
    const watch = new FakeWatchSet();
    const active = new ActiveTasks(watch);
    watch.watchTask(A, 0);
    watch.watchTask(B, 0);
    active.record(
      report([agent(A, 'a-1', 'finished'), agent(B, 'b-1', 'finished')], [action(A, 'a-1', 'done'), action(B, 'b-1', 'failed')]),
      only([A, B]),
      1000,
    );
    assert.deepEqual([...watch.watchedTasks], [B]);
  });

  it('a partial plan changes only the tasks it covered; tasks left out by an open breaker keep their state', () => {
    const watch = new FakeWatchSet();
    const active = new ActiveTasks(watch);
    watch.watchTask(A, 0);
    watch.watchTask(B, 0);
    active.record(report([agent(C, 'c-1', 'active')]), only([C]), 1000);
    assert.deepEqual([...watch.watchedTasks].sort(), [A, B, C]);
    active.record(report([agent(C, 'c-1', 'clean')]), { tasks: null, skipped: new Set([A]), startedAt: 1 }, 1000);
    assert.deepEqual([...watch.watchedTasks], [A], 'B and C were planned clean; A was not planned (breaker open)');
  });

  it('a new task folder stays followed while it has no agent yet, then goes by its agents or after NEW_TASK_WATCH_MS', () => {
    const watch = new FakeWatchSet();
    const active = new ActiveTasks(watch);
    watch.watchTask(A, 0);
    active.appeared(A, 1000);
    active.record(report([]), only([A]), 2000);
    assert.deepEqual([...watch.watchedTasks], [A], 'an empty registry: agents come next');
    active.record(report([]), full(), 1000 + NEW_TASK_WATCH_MS - 1);
    assert.deepEqual([...watch.watchedTasks], [A]);
    active.record(report([agent(A, 'a-1', 'clean')]), only([A]), 3000);
    assert.deepEqual([...watch.watchedTasks], [], 'its first agents are all clean');

    watch.watchTask(B, 0);
    active.appeared(B, 1000);
    active.record(report([]), full(), 1000 + NEW_TASK_WATCH_MS + 1);
    assert.deepEqual([...watch.watchedTasks], [], 'no agent within the window');
  });
});
