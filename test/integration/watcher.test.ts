import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspaceWatcher, type WatchFn, type WatchMode } from '../../src/core/daemon/workspace-watcher.js';
import { makeTask } from '../helpers/fixture.js';
import { DbWriter, createStateDb } from '../helpers/orchestrator.js';
import { sandboxPool, waitFor } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

/** Polling compares mtimes, which have a coarse clock: let one tick pass after a fixture was written. */
const tick = () => new Promise((r) => setTimeout(r, 50));

for (const mode of ['inotify', 'polling'] as WatchMode[]) {
  describe(`workspace watcher (${mode})`, () => {
    it('reports a registry rewritten in place, a task that appears and one that vanishes', async () => {
      const sb = pool.fresh();
      const task = makeTask(sb.workspace, [{ id: 'w-1', status: 'running', tmux_session: null }]);
      const changed: string[] = [];
      const watcher = new WorkspaceWatcher([sb.root], { taskChanged: (dir) => changed.push(dir), databaseChanged: () => undefined, fellBack: () => undefined }, { pollMs: 200 });
      await watcher.start(mode);
      try {
        assert.equal(watcher.mode, mode);
        await tick();
        fs.writeFileSync(task.registry, JSON.stringify({ agents: [{ id: 'w-1', status: 'completed', tmux_session: null }] }));
        assert.ok(await waitFor(() => changed.includes(task.dir), 8000), `${mode}: rewrite seen`);
        const late = makeTask(sb.workspace, [{ id: 'w-2', status: 'running', tmux_session: null }]);
        assert.ok(await waitFor(() => changed.includes(late.dir), 8000), `${mode}: new task seen`);
        changed.length = 0;
        fs.rmSync(late.dir, { recursive: true });
        assert.ok(await waitFor(() => changed.includes(late.dir), 8000), `${mode}: vanished task seen`);
        // Files below a task other than its registry are not the watcher's business.
        changed.length = 0;
        fs.writeFileSync(path.join(task.logs, 'w-1_stream.jsonl'), 'output\n');
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(changed, [], `${mode}: a log write is not a registry change`);
      } finally {
        await watcher.stop();
      }
    });
  });
}

for (const mode of ['inotify', 'polling'] as WatchMode[]) {
  describe(`workspace watcher: the state database (${mode})`, () => {
    it('reports its base when registry/state.sqlite3 appears and when its WAL is written; nothing for other files there', async () => {
      const sb = pool.fresh();
      makeTask(sb.workspace, []);
      const bases: string[] = [];
      const watcher = new WorkspaceWatcher([sb.root], { taskChanged: () => undefined, databaseChanged: (ws) => bases.push(ws), fellBack: () => undefined }, { pollMs: 200 });
      await watcher.start(mode);
      try {
        await tick();
        const file = createStateDb(sb.workspace);
        assert.ok(await waitFor(() => bases.includes(sb.workspace), 8000), `${mode}: database created`);
        const writer = await DbWriter.open(file);
        try {
          await tick();
          bases.length = 0;
          await writer.upsert({ id: 'db-1', task: 'TASK-20260115-101500-ab12cd34', status: 'working' });
          assert.ok(await waitFor(() => bases.includes(sb.workspace), 8000), `${mode}: a commit (a WAL write) seen`);
        } finally {
          await writer.close();
        }
        await tick();
        await new Promise((r) => setTimeout(r, 500));
        bases.length = 0;
        fs.writeFileSync(path.join(sb.workspace, 'registry', 'GLOBAL_REGISTRY.json'), '{}');
        await new Promise((r) => setTimeout(r, 600));
        assert.deepEqual(bases, [], `${mode}: another file in registry/ is not the database`);
      } finally {
        await watcher.stop();
      }
    });
  });
}

describe('workspace watcher: a workspace that does not exist yet', () => {
  it('watches for it and reports the tasks it arrives with', async () => {
    const sb = pool.fresh();
    fs.rmSync(sb.workspace, { recursive: true });
    const changed: string[] = [];
    const watcher = new WorkspaceWatcher([sb.root], { taskChanged: (dir) => changed.push(dir), databaseChanged: () => undefined, fellBack: () => undefined });
    await watcher.start();
    try {
      assert.equal(watcher.watches, 1, 'only the root, waiting for .agent-workspace');
      const task = makeTask(sb.workspace, [{ id: 'n-1', status: 'running', tmux_session: null }]);
      assert.ok(await waitFor(() => changed.includes(task.dir), 8000), 'task in a new workspace seen');
      assert.ok(await waitFor(() => watcher.watches === 2), 'workspace and task watched');
      await tick();
      fs.writeFileSync(task.registry, JSON.stringify({ agents: [] }));
      changed.length = 0;
      assert.ok(await waitFor(() => changed.includes(task.dir), 8000), 'then its registry is watched');
    } finally {
      await watcher.stop();
    }
  });
});

/**
 * The kernel refusing a watch, on demand: fs.watch until `allowed` watches are open, then ENOSPC, as inotify says
 * when fs.inotify.max_user_watches is reached. (test/integration/watch-fallback.test.ts has the kernel do it.)
 */
function limitedWatch(allowed: number): WatchFn & { calls: number } {
  const fn = ((dir, listener) => {
    fn.calls++;
    if (fn.calls > allowed) {
      throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${dir}'`), { code: 'ENOSPC', syscall: 'watch', path: dir });
    }
    return fs.watch(dir, listener);
  }) as WatchFn & { calls: number };
  fn.calls = 0;
  return fn;
}

describe('workspace watcher: inotify refuses a watch', () => {
  it('at start: falls back to polling once, and still reports registry changes', async () => {
    const sb = pool.fresh();
    const tasks = [1, 2, 3].map((i) => makeTask(sb.workspace, [{ id: `f-${i}`, status: 'running', tmux_session: null }]));
    const changed: string[] = [];
    const reasons: string[] = [];
    const watch = limitedWatch(2);
    const watcher = new WorkspaceWatcher([sb.root], { taskChanged: (dir) => changed.push(dir), databaseChanged: () => undefined, fellBack: (r) => reasons.push(r) }, { watch, pollMs: 200 });
    await watcher.start();
    try {
      assert.equal(watcher.mode, 'polling');
      assert.equal(reasons.length, 1);
      assert.match(reasons[0]!, /ENOSPC/);
      assert.equal(watcher.watches, 0, 'every inotify watch closed');
      await tick();
      fs.writeFileSync(tasks[2]!.registry, JSON.stringify({ agents: [{ id: 'f-3', status: 'completed', tmux_session: null }] }));
      assert.ok(await waitFor(() => changed.includes(tasks[2]!.dir), 8000), 'change seen by polling');
      assert.equal(watch.calls, 3, 'no watch attempted after the fallback');
      assert.equal(reasons.length, 1);
    } finally {
      await watcher.stop();
    }
  });

  it('later, for a new task folder: switches to polling while running', async () => {
    const sb = pool.fresh();
    const first = makeTask(sb.workspace, [{ id: 'g-1', status: 'running', tmux_session: null }]);
    const changed: string[] = [];
    const reasons: string[] = [];
    // The workspace and the first task fit; the next task folder does not.
    const watcher = new WorkspaceWatcher([sb.root], { taskChanged: (dir) => changed.push(dir), databaseChanged: () => undefined, fellBack: (r) => reasons.push(r) }, { watch: limitedWatch(2), pollMs: 200 });
    await watcher.start();
    try {
      assert.equal(watcher.mode, 'inotify');
      assert.equal(watcher.watches, 2);
      makeTask(sb.workspace, [{ id: 'g-2', status: 'running', tmux_session: null }]);
      assert.ok(await waitFor(() => watcher.mode === 'polling', 8000), 'fell back');
      assert.equal(reasons.length, 1);
      assert.equal(watcher.watches, 0);
      await tick();
      changed.length = 0;
      fs.writeFileSync(first.registry, JSON.stringify({ agents: [{ id: 'g-1', status: 'completed', tmux_session: null }] }));
      assert.ok(await waitFor(() => changed.includes(first.dir), 8000), 'change seen by polling');
    } finally {
      await watcher.stop();
    }
  });
});
