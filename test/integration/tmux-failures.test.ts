import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { killSessions } from '../../src/core/platform/tmux-batch.js';
import { TmuxClient, isNoServer } from '../../src/core/platform/tmux-client.js';
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

    assert.ok(
      report.errors.some((e) => /Permission denied/.test(e.message)),
      JSON.stringify(report.errors),
    );
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

  it('a kill tmux does not confirm leaves the agent whole: session may live, logs and prompt stay', async () => {
    // Captures answer with their markers; the kill batch dies without confirming anything.
    const tmux = fakeTmux(
      sb,
      'tmux-kill-unconfirmed',
      String.raw`case "$*" in
  *list-panes*) printf '4242\t$8\t1795000000\t%%10\t4243\t0\t0\tagent_kil-1\n' ;;
  *source-file*) input=$(cat)
    case "$input" in
      *capture-pane*) printf '%s\n' "$input" | sed -n "s/.*display-message -p '\(AJ[0-9a-f]*:E:[0-9]*\)'.*/\1/p" ;;
      *) echo "server exited unexpectedly" >&2; exit 1 ;;
    esac ;;
esac`,
    );
    const task = makeTask(sb.workspace, [{ id: 'kil-1', status: 'completed', tmux_session: 'agent_kil-1' }]);
    const log = task.log('kil-1_stream.jsonl', 'x\n');
    const prompt = task.prompt('kil-1');

    const report = await runCleanup(sb.config({ tmuxBinary: tmux }), { dryRun: false });

    const outcome = Object.fromEntries(report.actions.filter((a) => a.agentId === 'kil-1').map((a) => [a.kind, a.outcome]));
    assert.equal(outcome['capture-scrollback'], 'done');
    assert.equal(outcome['kill-session'], 'failed');
    assert.match(report.actions.find((a) => a.kind === 'kill-session')?.error ?? '', /server exited unexpectedly/);
    assert.equal(outcome['archive-file'], 'skipped');
    assert.equal(outcome['delete-prompt'], 'skipped');
    assert.ok(fs.existsSync(log) && fs.existsSync(prompt));
    fs.rmSync(task.dir, { recursive: true });
  });

  it('killSessions: confirmed by its markers in one spawn; a session already gone counts as dead', async () => {
    await sb.startSession('agent_k-live');
    await sb.startSession('agent_k-gone');
    await sb.startSession('keeper');
    const ids = new Map(
      (await sb.tmux('list-sessions', '-F', '#{session_name} #{session_id}')).stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    await sb.tmux('kill-session', '-t', ids.get('agent_k-gone')!);
    const client = new TmuxClient({ binary: 'tmux', socket: sb.socket, timeoutMs: 10_000 });

    const outcomes = await killSessions(client, [ids.get('agent_k-live')!, ids.get('agent_k-gone')!]);

    assert.equal(client.spawns, 1);
    assert.deepEqual(
      [...outcomes.values()].map((o) => [o.ok, o.error]),
      [
        [true, null],
        [true, null],
      ],
    );
    assert.deepEqual(await sb.sessions(), ['keeper']);
  });
});
