import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { listFiles, makeTask } from '../helpers/fixture.js';
import { sandboxPool } from '../helpers/sandbox.js';

/**
 * The switch to polling when the kernel itself refuses an inotify watch. The limit is lowered only inside a user
 * namespace made for the daemon (`unshare --user`): since Linux 5.11 inotify's limits are counted per user namespace
 * (/proc/sys/user/max_inotify_watches), so nothing outside it, and not the machine-wide
 * fs.inotify.max_user_watches, is touched. Where user namespaces are not allowed the test is skipped;
 * test/integration/watcher.test.ts covers the same switch with an injected refusal.
 */

const pool = sandboxPool();
const daemons: DaemonProcess[] = [];
after(async () => {
  for (const d of daemons.splice(0)) await d.stop('SIGKILL');
  await pool.cleanupAll();
});

/** Runs what follows under a fresh user namespace whose inotify watch limit is `limit`. */
const limitedWatches = (limit: number) => [
  'unshare',
  '--user',
  '--map-root-user',
  'sh',
  '-c',
  'echo "$0" > /proc/sys/user/max_inotify_watches && exec "$@"',
  String(limit),
];

async function userNamespacesWork(): Promise<string | null> {
  const r = await execa(limitedWatches(5)[0]!, [...limitedWatches(5).slice(1), 'true'], { reject: false, timeout: 10_000 });
  return r.exitCode === 0
    ? null
    : `unshare --user with a lowered inotify limit is not possible here: ${String(r.stderr).trim() || (r.exitCode ?? 'no exit code')}`;
}

describe('daemon, inotify watch limit reached (real kernel refusal)', () => {
  it('emits watch-fallback when a new task folder cannot be watched, then acts on a registry change by polling', async (t) => {
    const unavailable = await userNamespacesWork();
    if (unavailable) return t.skip(unavailable);
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, [{ id: 'p-1', status: 'running', tmux_session: null }]);
    const log = task.log('p-1_stream.jsonl', 'output\n');
    const prompt = task.prompt('p-1');
    makeTask(sb.workspace, [{ id: 'p-2', status: 'running', tmux_session: null }]);

    // Three watches fit: the workspace and the two active tasks' registries. A third active task's does not.
    const d = DaemonProcess.start(sb, [], {}, limitedWatches(3));
    daemons.push(d);
    const ready = await d.waitFor((e) => e.event === 'ready');
    assert.ok(ready.event === 'ready' && ready.watch === 'inotify', JSON.stringify(ready));

    makeTask(sb.workspace, [{ id: 'p-3', status: 'running', tmux_session: null }]);
    const fallback = await d.waitFor((e) => e.event === 'watch-fallback');
    assert.ok(fallback.event === 'watch-fallback' && /ENOSPC/.test(fallback.reason), JSON.stringify(fallback));
    // The full reconcile the daemon runs after a fallback, so that nothing changed during the switch is missed.
    const afterFallback = d.events.indexOf(fallback);
    await d.waitFor((e) => e.event === 'sweep' && e.trigger === 'reconcile', 15_000, afterFallback);

    // In place, as the orchestrator does. Only polling can see this before the next periodic reconcile (60 s).
    const before = d.events.length;
    fs.writeFileSync(task.registry, JSON.stringify({ agents: [{ id: 'p-1', status: 'completed', tmux_session: null }] }));
    await d.waitFor(
      (e) => e.event === 'action' && e.action.kind === 'record-outcome' && e.action.agentId === 'p-1' && e.action.outcome === 'done',
      15_000,
      before,
    );
    const sweep = await d.waitFor((e) => e.event === 'sweep' && (e.actions.done ?? 0) > 0, 5000, before);
    assert.ok(
      sweep.event === 'sweep' && sweep.trigger === 'watch',
      `acted on by a polled change, not a reconcile: ${JSON.stringify(sweep)}`,
    );
    assert.ok(!fs.existsSync(log) && !fs.existsSync(prompt));
    assert.ok(listFiles(task.archive).includes('p-1_stream.jsonl'));
    assert.equal(d.events.filter((e) => e.event === 'watch-fallback').length, 1, 'falls back once');

    assert.equal(await d.stop('SIGTERM'), 0);
  });
});
