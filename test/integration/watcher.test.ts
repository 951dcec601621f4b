import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { WorkspaceWatcher, type WatchMode } from '../../src/core/daemon/workspace-watcher.js';
import { makeTask } from '../helpers/fixture.js';
import { sandboxPool, waitFor } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

for (const mode of ['inotify', 'polling'] as WatchMode[]) {
  describe(`workspace watcher (${mode})`, () => {
    it('reports a registry rewritten in place, and a task that appears', async () => {
      const sb = pool.fresh();
      const task = makeTask(sb.workspace, [{ id: 'w-1', status: 'running', tmux_session: null }]);
      const changed: string[] = [];
      const watcher = new WorkspaceWatcher([sb.root], { taskChanged: (dir) => changed.push(dir), fellBack: () => undefined });
      await watcher.start(mode);
      try {
        // Polling compares mtimes, which have a coarse clock: let one tick pass after the fixture was written.
        await new Promise((r) => setTimeout(r, 50));
        fs.writeFileSync(task.registry, JSON.stringify({ agents: [{ id: 'w-1', status: 'completed', tmux_session: null }] }));
        assert.ok(await waitFor(() => changed.includes(task.dir), 8000), `${mode}: rewrite seen`);
        const late = makeTask(sb.workspace, [{ id: 'w-2', status: 'running', tmux_session: null }]);
        assert.ok(await waitFor(() => changed.includes(late.dir), 8000), `${mode}: new task seen`);
      } finally {
        await watcher.stop();
      }
    });
  });
}
