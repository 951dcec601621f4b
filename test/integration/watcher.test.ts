import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { WatchMode } from '../../src/shared/index.js';
import { WorkspaceWatcher, type WatcherEvents } from '../../src/core/daemon/workspace-watcher.js';
import { makeTask } from '../helpers/fixture.js';
import { DbWriter, createStateDb } from '../helpers/orchestrator.js';
import { sandboxPool, waitFor } from '../helpers/sandbox.js';
import { limitedWatch } from '../helpers/watch.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

/** Polling compares mtimes, which have a coarse clock: let one tick pass after a fixture was written. */
const tick = () => new Promise((r) => setTimeout(r, 50));
const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a watcher reported, by kind. */
function recorder() {
  const seen = {
    appeared: [] as string[],
    changed: [] as string[],
    databases: [] as string[],
    lost: [] as string[],
    fellBack: [] as string[],
    failed: [] as string[],
  };
  const events: WatcherEvents = {
    taskAppeared: (dir) => seen.appeared.push(dir),
    taskChanged: (dir) => seen.changed.push(dir),
    databaseChanged: (base) => seen.databases.push(base),
    lost: (reason) => seen.lost.push(reason),
    fellBack: (reason) => seen.fellBack.push(reason),
    watchFailed: (message) => seen.failed.push(message),
  };
  const clear = () => {
    for (const list of Object.values(seen)) list.length = 0;
  };
  return { seen, events, clear };
}

/** inotify watches this process holds (the kernel's own count: /proc/self/fdinfo of each inotify fd). */
function inotifyWatchesHeld(): number {
  let watches = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue;
      watches += fs
        .readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1')
        .split('\n')
        .filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // Closed between the listing and the read.
    }
  }
  return watches;
}

const running = (id: string) => [{ id, status: 'running', tmux_session: null }];
const rewrite = (registry: string, id: string, status: string) =>
  fs.writeFileSync(registry, JSON.stringify({ agents: [{ id, status, tmux_session: null }] }));

for (const mode of ['inotify', 'polling'] as WatchMode[]) {
  describe(`workspace watcher (${mode})`, () => {
    it('reports writes to the registries it follows and not to the others; a new task folder is followed, a vanished one dropped', async () => {
      const sb = pool.fresh();
      const followed = makeTask(sb.workspace, running('w-1'));
      const finished = makeTask(sb.workspace, running('w-2'));
      const { seen, events, clear } = recorder();
      const watcher = new WorkspaceWatcher([sb.root], events, { pollMs: 100 });
      await watcher.start(mode);
      try {
        assert.equal(watcher.mode, mode);
        watcher.watchTask(followed.dir, Date.now());
        await watcher.settled();
        assert.deepEqual([...watcher.watchedTasks], [followed.dir]);
        await tick();
        clear();
        rewrite(followed.registry, 'w-1', 'completed');
        rewrite(finished.registry, 'w-2', 'completed');
        assert.ok(await waitFor(() => seen.changed.includes(followed.dir), 8000), `${mode}: write to a followed registry seen`);
        await quiet(600);
        assert.ok(!seen.changed.includes(finished.dir), `${mode}: a registry not followed is not watched`);

        const late = makeTask(sb.workspace, running('w-3'));
        assert.ok(await waitFor(() => seen.appeared.includes(late.dir), 8000), `${mode}: new task folder seen`);
        assert.ok(watcher.watchedTasks.has(late.dir), 'a new task is followed until a plan says otherwise');
        await watcher.settled();
        await tick();
        rewrite(late.registry, 'w-3', 'completed');
        assert.ok(await waitFor(() => seen.changed.includes(late.dir), 8000), `${mode}: its registry is watched`);

        watcher.unwatchTask(followed.dir);
        clear();
        rewrite(followed.registry, 'w-1', 'failed');
        fs.rmSync(late.dir, { recursive: true });
        assert.ok(await waitFor(() => seen.changed.includes(late.dir), 8000), `${mode}: vanished task seen`);
        assert.ok(!watcher.watchedTasks.has(late.dir), 'and no longer followed');
        await quiet(600);
        assert.ok(!seen.changed.includes(followed.dir), `${mode}: a dropped registry is not watched any more`);
        // Files in a task other than its registry are not the watcher's business.
        watcher.watchTask(finished.dir, Date.now());
        await watcher.settled();
        clear();
        fs.mkdirSync(path.join(finished.dir, 'logs'), { recursive: true });
        fs.writeFileSync(path.join(finished.logs, 'w-2_stream.jsonl'), 'output\n');
        fs.writeFileSync(path.join(finished.dir, 'agent_prompt_w-2.txt'), 'prompt\n');
        await quiet(600);
        assert.deepEqual(seen.changed, [], `${mode}: a log or prompt write is not a registry change`);
      } finally {
        await watcher.dispose();
      }
    });

    it('reports its base when registry/state.sqlite3 appears and when its WAL is written; nothing for other files there', async () => {
      const sb = pool.fresh();
      makeTask(sb.workspace, []);
      const { seen, events } = recorder();
      const watcher = new WorkspaceWatcher([sb.root], events, { pollMs: 100 });
      await watcher.start(mode);
      try {
        await tick();
        const file = createStateDb(sb.workspace);
        assert.ok(await waitFor(() => seen.databases.includes(sb.workspace), 8000), `${mode}: database created`);
        const writer = await DbWriter.open(file);
        try {
          await tick();
          seen.databases.length = 0;
          await writer.upsert({ id: 'db-1', task: 'TASK-20260115-101500-ab12cd34', status: 'working' });
          assert.ok(await waitFor(() => seen.databases.includes(sb.workspace), 8000), `${mode}: a commit (a WAL write) seen`);
        } finally {
          await writer.close();
        }
        await quiet(500);
        seen.databases.length = 0;
        fs.writeFileSync(path.join(sb.workspace, 'registry', 'GLOBAL_REGISTRY.json'), '{}');
        await quiet(600);
        assert.deepEqual(seen.databases, [], `${mode}: another file in registry/ is not the database`);
      } finally {
        await watcher.dispose();
      }
    });
  });
}

describe('workspace watcher: inotify watches scale with the followed tasks, not with every task', () => {
  it('holds one watch per base, one for registry/, and one per followed registry (counted by the kernel)', async () => {
    const sb = pool.fresh();
    createStateDb(sb.workspace);
    const tasks = Array.from({ length: 40 }, (_, i) => makeTask(sb.workspace, running(`s-${i}`)));
    const before = inotifyWatchesHeld();
    const watcher = new WorkspaceWatcher([sb.root], recorder().events);
    await watcher.start();
    try {
      assert.equal(watcher.watches, 2, 'the base and its registry/ folder, none for the 40 tasks');
      assert.equal(inotifyWatchesHeld() - before, 2);
      for (const t of tasks.slice(0, 3)) watcher.watchTask(t.dir, Date.now());
      await watcher.settled();
      assert.equal(watcher.watches, 5);
      assert.equal(inotifyWatchesHeld() - before, 5, 'one kernel watch per followed registry');
      watcher.unwatchTask(tasks[0]!.dir);
      watcher.unwatchTask(tasks[1]!.dir);
      assert.ok(await waitFor(() => inotifyWatchesHeld() - before === 3, 5000), 'dropped registries release their watch');
      assert.equal(watcher.watches, 3);
    } finally {
      await watcher.dispose();
    }
    assert.ok(await waitFor(() => inotifyWatchesHeld() === before, 5000), 'dispose releases every watch');
  });

  it('opens nothing again when disposed while it re-watches (a stop during a reload)', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, running('d-1'));
    const before = inotifyWatchesHeld();
    const watcher = new WorkspaceWatcher([sb.root], recorder().events);
    await watcher.start();
    watcher.watchTask(task.dir, Date.now());
    await watcher.settled();
    // follow() first closes the old watches, which takes a turn: dispose() lands in it.
    const following = watcher.follow([sb.root]);
    await watcher.dispose();
    await following;
    assert.equal(watcher.watches, 0);
    assert.ok(await waitFor(() => inotifyWatchesHeld() === before, 5000), 'no watch left behind');
  });

  it('reports a write made after the plan began but before the watch was in place', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, running('r-1'));
    const { seen, events } = recorder();
    const watcher = new WorkspaceWatcher([sb.root], events);
    await watcher.start();
    try {
      const planBegan = Date.now();
      await tick();
      rewrite(task.registry, 'r-1', 'completed');
      watcher.watchTask(task.dir, planBegan);
      await watcher.settled();
      assert.ok(await waitFor(() => seen.changed.includes(task.dir), 2000), 'the write in between is reported');
      const other = makeTask(sb.workspace, running('r-2'));
      await tick();
      seen.changed.length = 0;
      watcher.watchTask(other.dir, Date.now() + 1000);
      await watcher.settled();
      await quiet(300);
      assert.deepEqual(seen.changed, [], 'nothing written since the plan: nothing reported');
    } finally {
      await watcher.dispose();
    }
  });
});

describe('workspace watcher: a workspace that does not exist yet', () => {
  it('polls for it, then watches it and reports the tasks it arrives with', async () => {
    const sb = pool.fresh();
    fs.rmSync(sb.workspace, { recursive: true });
    const { seen, events } = recorder();
    const watcher = new WorkspaceWatcher([sb.root], events, { pollMs: 100 });
    await watcher.start();
    try {
      assert.equal(watcher.watches, 0, 'no inotify watch while .agent-workspace is missing');
      const task = makeTask(sb.workspace, running('n-1'));
      assert.ok(await waitFor(() => seen.appeared.includes(task.dir), 8000), 'task in a new workspace seen');
      assert.ok(await waitFor(() => watcher.watches === 2), 'the base and the new task registry watched');
      await watcher.settled();
      await tick();
      seen.changed.length = 0;
      rewrite(task.registry, 'n-1', 'completed');
      assert.ok(await waitFor(() => seen.changed.includes(task.dir), 8000), 'then its registry is watched');
    } finally {
      await watcher.dispose();
    }
  });
});

describe('workspace watcher: inotify refuses a watch', () => {
  it('at start: falls back to polling once, and still sees registry writes, new tasks and the database', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, running('f-1'));
    const { seen, events } = recorder();
    const watch = limitedWatch(0);
    const watcher = new WorkspaceWatcher([sb.root], events, { watch, pollMs: 100 });
    await watcher.start();
    try {
      assert.ok(await waitFor(() => watcher.mode === 'polling', 5000));
      assert.equal(seen.fellBack.length, 1);
      assert.match(seen.fellBack[0]!, /ENOSPC/);
      assert.equal(watcher.watches, 0, 'no inotify watch held');
      watcher.watchTask(task.dir, Date.now());
      await watcher.settled();
      await tick();
      rewrite(task.registry, 'f-1', 'completed');
      assert.ok(await waitFor(() => seen.changed.includes(task.dir), 8000), 'registry write seen by polling');
      const late = makeTask(sb.workspace, running('f-2'));
      assert.ok(await waitFor(() => seen.appeared.includes(late.dir), 8000), 'new task seen by polling');
      createStateDb(sb.workspace);
      assert.ok(await waitFor(() => seen.databases.includes(sb.workspace), 8000), 'database seen by polling');
      assert.equal(watch.calls, 1, 'no watch attempted after the fallback');
      assert.equal(seen.fellBack.length, 1);
    } finally {
      await watcher.dispose();
    }
  });

  it('later, for a new registry/ folder: switches to polling while running, and keeps following the same tasks', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, running('g-1'));
    const { seen, events } = recorder();
    // The base fits; the registry/ folder that appears later does not.
    const watcher = new WorkspaceWatcher([sb.root], events, { watch: limitedWatch(1), pollMs: 100 });
    await watcher.start();
    try {
      assert.equal(watcher.mode, 'inotify');
      watcher.watchTask(task.dir, Date.now());
      await watcher.settled();
      createStateDb(sb.workspace);
      assert.ok(await waitFor(() => watcher.mode === 'polling', 8000), 'fell back');
      assert.equal(seen.fellBack.length, 1);
      assert.deepEqual([...watcher.watchedTasks], [task.dir]);
      await watcher.settled();
      assert.equal(watcher.watches, 0);
      await tick();
      seen.changed.length = 0;
      rewrite(task.registry, 'g-1', 'completed');
      assert.ok(await waitFor(() => seen.changed.includes(task.dir), 8000), 'change seen by polling');
    } finally {
      await watcher.dispose();
    }
  });
});
