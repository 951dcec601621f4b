import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { isNoServer } from '../../src/core/tmux/tmux-client.js';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox } from '../helpers/sandbox.js';

/** A stand-in tmux, given by explicit path (never put on PATH), that answers with a canned script. */
function fakeTmux(sb: Sandbox, name: string, body: string): string {
  const file = path.join(sb.dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('when tmux cannot be trusted', () => {
  let sb: Sandbox;
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('tells "no server" from "cannot connect"', () => {
    assert.equal(isNoServer('no server running on /tmp/x/sock'), true);
    assert.equal(isNoServer('error connecting to /tmp/x/sock (No such file or directory)'), true);
    assert.equal(isNoServer('error connecting to /tmp/x/sock (Permission denied)'), false);
  });

  it('a socket it may not connect to is an error, and no session-dependent work is done', async () => {
    const tmux = fakeTmux(sb, 'tmux-denied', 'echo "error connecting to $2 (Permission denied)" >&2; exit 1');
    const task = makeTask(sb.workspace, [{ id: 'perm-1', status: 'completed', tmux_session: 'agent_perm-1' }]);
    const log = task.log('perm-1_stream.jsonl', 'still being written\n');
    const prompt = task.prompt('perm-1');

    const report = await runCleanup(sb.config({ tmuxBinary: tmux }), { dryRun: false });

    assert.ok(report.errors.some((e) => /Permission denied/.test(e.message)), JSON.stringify(report.errors));
    assert.deepEqual(report.actions, []);
    assert.ok(fs.existsSync(log) && fs.existsSync(prompt));
    fs.rmSync(task.dir, { recursive: true });
  });

  it('an agent whose scrollback cannot be captured keeps its session, logs and prompt for the next sweep', async () => {
    // Lists one live pane for agent_cap-1; every batch (source-file) fails.
    const tmux = fakeTmux(
      sb,
      'tmux-capture-fails',
      `case "$*" in
  *list-panes*) printf '4242\\t$7\\t1795000000\\t%%9\\t4243\\t0\\t0\\tagent_cap-1\\n' ;;
  *) cat >/dev/null; echo "server exited unexpectedly" >&2; exit 1 ;;
esac`,
    );
    const task = makeTask(sb.workspace, [{ id: 'cap-1', status: 'completed', tmux_session: 'agent_cap-1' }]);
    const log = task.log('cap-1_stream.jsonl', 'x\n');
    const prompt = task.prompt('cap-1');

    const report = await runCleanup(sb.config({ tmuxBinary: tmux }), { dryRun: false });

    const outcome = Object.fromEntries(report.actions.map((a) => [a.kind, a.outcome]));
    assert.deepEqual(outcome, {
      'capture-scrollback': 'failed',
      'kill-session': 'skipped',
      'signal-processes': 'skipped',
      'archive-file': 'skipped',
      'delete-prompt': 'skipped',
      'record-outcome': 'done',
    });
    assert.ok(fs.existsSync(log) && fs.existsSync(prompt));
  });
});
