import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { deadPid, sandboxPool, waitFor } from '../helpers/sandbox.js';

const pool = sandboxPool();
after(() => pool.cleanupAll());

describe('a stalled step (issue 9 point 2)', () => {
  it('SIGTERM ends the daemon within its drain limit even while a step hangs, and nothing is half done', async () => {
    const sb = pool.fresh();
    const started = path.join(sb.dir, 'capture-started');
    // Lists one live pane for agent_st-1; the capture (a source-file) never answers within the test.
    const tmux = path.join(sb.dir, 'tmux-stalls');
    fs.writeFileSync(
      tmux,
      `#!/bin/sh\ncase "$*" in\n  *list-panes*) printf '4242\\t$7\\t1795000000\\t%%9\\t4243\\t0\\t0\\tagent_st-1\\n' ;;\n  *) touch '${started}'; exec sleep 120 ;;\nesac\n`,
      { mode: 0o755 },
    );
    const task = makeTask(sb.workspace, [{ id: 'st-1', status: 'completed', tmux_session: 'agent_st-1' }]);
    const log = task.log('st-1_stream.jsonl', 'kept\n');
    const prompt = task.prompt('st-1');
    const configFile = path.join(sb.dir, 'stall.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ tmuxBinary: tmux, finishGraceSeconds: 0, timeouts: { tmuxMs: 120_000, stepMs: 120_000, drainMs: 1000 } }),
    );
    const d = DaemonProcess.start(sb, ['--config', configFile]);
    assert.ok(await waitFor(() => fs.existsSync(started), 15_000), 'the start sweep reached the capture');

    const t0 = Date.now();
    const code = await d.stop('SIGTERM');
    const took = Date.now() - t0;
    assert.equal(code, 0);
    assert.ok(took < 6000, `ended ${took} ms after SIGTERM (drain limit 1000 ms)`);
    const said = d.events.filter((e) => e.event === 'error').map((e) => (e.event === 'error' ? e.error.message : ''));
    assert.ok(
      said.some((m) => /did not end within 1000 ms of SIGTERM/.test(m)),
      JSON.stringify(d.events),
    );
    assert.equal(fs.readFileSync(log, 'utf8'), 'kept\n', 'nothing was archived half-way');
    assert.ok(fs.existsSync(prompt), 'nor its prompt deleted');
  });
});

describe('stale temp copies (issue 9 point 6)', () => {
  it('the daemon removes the temp copies of janitors that are gone when it starts, and leaves a live one', async () => {
    const sb = pool.fresh();
    const task = makeTask(sb.workspace, []);
    fs.mkdirSync(task.archive);
    const stale = path.join(task.archive, `.aj-tmp-${deadPid()}-abcd1234-x_stream.jsonl`);
    const live = path.join(task.archive, `.aj-tmp-${process.pid}-abcd1234-y_stream.jsonl`);
    fs.writeFileSync(stale, Buffer.alloc(1024 * 1024));
    fs.writeFileSync(live, 'in progress\n');
    const d = DaemonProcess.start(sb);
    try {
      await d.waitFor((e) => e.event === 'ready');
      assert.ok(await waitFor(() => !fs.existsSync(stale), 10_000), "the dead janitor's copy is removed");
      assert.ok(fs.existsSync(live), 'a copy whose writer still runs is kept');
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });

  it('never removes a temp-named file reached through a symlinked archive/ or a symlinked task', async () => {
    const sb = pool.fresh();
    const tempName = `.aj-tmp-${deadPid()}-abcd1234-x_stream.jsonl`;
    const outside = path.join(sb.dir, 'outside');
    fs.mkdirSync(path.join(outside, 'TASK-20261206-000001-abcdef01', 'archive'), { recursive: true });
    const canaries = [path.join(outside, tempName), path.join(outside, 'TASK-20261206-000001-abcdef01', 'archive', tempName)];
    for (const file of canaries) fs.writeFileSync(file, 'not the janitor’s\n');
    const linkedArchive = makeTask(sb.workspace, []);
    fs.symlinkSync(outside, linkedArchive.archive);
    fs.symlinkSync(path.join(outside, 'TASK-20261206-000001-abcdef01'), path.join(sb.workspace, 'TASK-20261206-000002-abcdef01'));
    // A task with a real stale temp: the start-up pass does a few dozen tasks in one turn, so once it is gone the
    // symlinked ones were looked at too.
    const real = makeTask(sb.workspace, []);
    fs.mkdirSync(real.archive);
    const stale = path.join(real.archive, tempName);
    fs.writeFileSync(stale, 'stale\n');
    const d = DaemonProcess.start(sb);
    try {
      await d.waitFor((e) => e.event === 'ready');
      assert.ok(await waitFor(() => !fs.existsSync(stale), 10_000), 'the real stale copy is removed');
      // After the exit: a stop waits out the pass's turn, so every task of it was looked at.
      assert.equal(await d.stop('SIGTERM'), 0);
      for (const file of canaries) assert.equal(fs.readFileSync(file, 'utf8'), 'not the janitor’s\n', file);
    } finally {
      assert.equal(await d.stop('SIGTERM'), 0);
    }
  });
});
