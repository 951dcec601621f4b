import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox, isRunning, waitFor } from '../helpers/sandbox.js';

/** Reads the PIDs a pane script wrote, once it has written all of them. */
async function readPids(file: string, count: number): Promise<number[]> {
  assert.ok(
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim().split('\n').length >= count),
    `pids in ${file}`,
  );
  return fs.readFileSync(file, 'utf8').trim().split('\n').map(Number);
}

describe('processes started by an agent', () => {
  let sb: Sandbox;
  const own: ChildProcess[] = [];
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    // Each was started in a process group of its own: killing the group takes its children (the sleeps) too.
    for (const child of own) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await sb.cleanup();
  });

  it('dies with its session: setsid escapes, SIGHUP-ignoring and double-forked children included', async () => {
    const pidFile = path.join(sb.dir, 'pids-esc');
    // The first session is the one that starts the server, so the server's own argv names this finished agent.
    const script = [
      `trap '' HUP`,
      `(trap '' HUP TERM; exec sleep 100001) & echo $! >> ${pidFile}`,
      `setsid sleep 100002 & echo $! >> ${pidFile}`,
      // Double fork: the middle shell exits, so the grandchild is no longer a descendant of the pane by parentage.
      `sh -c 'setsid sleep 100003 & echo $! >> ${pidFile}' &`,
      `echo $$ >> ${pidFile}`,
      `sleep 100004`,
    ].join('\n');
    fs.writeFileSync(path.join(sb.dir, 'pane.sh'), script);
    await sb.startSession('agent_esc-1', `sh ${path.join(sb.dir, 'pane.sh')}`);
    await sb.startSession('agent_bystander-1');
    const serverPid = await sb.serverPid();
    const bystanderPids = await sb.panePids('agent_bystander-1');
    const task = makeTask(sb.workspace, [
      { id: 'esc-1', status: 'completed', tmux_session: 'agent_esc-1' },
      { id: 'bystander-1', status: 'running', tmux_session: 'agent_bystander-1' },
    ]);
    task.log('esc-1_stream.jsonl', 'x\n');
    const pids = await readPids(pidFile, 4);
    for (const pid of pids) assert.ok(isRunning(pid), `pid ${pid} should run before the sweep`);

    const report = await runCleanup(sb.config({ killGraceMs: 300 }), { dryRun: false });

    for (const pid of pids) assert.ok(await waitFor(() => !isRunning(pid), 3000), `pid ${pid} should be dead`);
    assert.ok(serverPid && isRunning(serverPid), 'the tmux server is never signalled');
    for (const pid of bystanderPids) assert.ok(isRunning(pid), 'another agent’s processes are untouched');
    assert.deepEqual(await sb.sessions(), ['agent_bystander-1']);
    const signal = report.actions.find((a) => a.kind === 'signal-processes');
    assert.equal(signal?.outcome, 'done', JSON.stringify(signal));
    // Neither the server (whose argv names esc-1) nor anything else is counted as a zombie or suspect of esc-1.
    assert.deepEqual(
      report.orphans.filter((o) => o.kind === 'suspect' || o.kind === 'leftover-process'),
      [],
    );
    for (const o of report.orphans) if (o.kind === 'zombie') assert.notEqual(o.pid, serverPid);
  });

  it('reports a process that only names the agent in argv as a suspect and never kills it', async () => {
    await sb.startSession('agent_sus-1');
    makeTask(sb.workspace, [{ id: 'sus-1', status: 'completed', tmux_session: 'agent_sus-1' }]);
    const suspect = spawn('sh', ['-c', 'sleep 100005; : sus-1'], { stdio: 'ignore', detached: true });
    const twin = spawn('sh', ['-c', 'sleep 100006; : sus-10'], { stdio: 'ignore', detached: true });
    own.push(suspect, twin);
    assert.ok(await waitFor(() => isRunning(suspect.pid!)));

    const report = await runCleanup(sb.config(), { dryRun: false });

    const suspects = report.orphans.filter((o) => o.kind === 'suspect');
    assert.deepEqual(
      suspects.map((s) => (s.kind === 'suspect' ? s.pid : 0)),
      [suspect.pid],
    );
    assert.ok(isRunning(suspect.pid!), 'a suspect is reported, not killed');
    assert.ok(isRunning(twin.pid!));
  });

  it('reports a real zombie with its parent, and does not count live processes as zombies', async () => {
    await sb.startSession('agent_zom-1');
    makeTask(sb.workspace, [{ id: 'zom-1', status: 'completed', tmux_session: 'agent_zom-1' }]);
    // A parent that never reaps: its child exits and stays in state Z until the parent dies.
    const parent = spawn('perl', ['-e', '$| = 1; if (my $p = fork) { print "$p\\n"; sleep 100007 } else { exit 0 }', 'zom-1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    own.push(parent);
    const zombiePid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    assert.ok(await waitFor(() => fs.readFileSync(`/proc/${zombiePid}/stat`, 'latin1').includes(') Z ')));

    const report = await runCleanup(sb.config(), { dryRun: false });

    // The zombie is not the agent's own, so it is not in its tree; but the parent names the agent and is a suspect.
    const suspects = report.orphans.filter((o) => o.kind === 'suspect').map((o) => (o.kind === 'suspect' ? o.pid : 0));
    assert.ok(suspects.includes(parent.pid!), 'the non-reaping parent names the agent: suspect');
    assert.ok(!suspects.includes(zombiePid), 'a zombie is not a suspect');
    assert.equal(report.orphans.filter((o) => o.kind === 'zombie').length, 0);
    assert.ok(isRunning(parent.pid!));
  });
});
