import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { nudgeParent, stillThere } from '../../src/core/service/process-fixes.js';
import { isRunning, waitFor } from '../helpers/sandbox.js';

const own: ChildProcess[] = [];
after(() => {
  for (const p of own) if (p.pid && isRunning(p.pid)) process.kill(p.pid, 'SIGKILL');
});

/** A perl parent whose child exits at once; `script` decides what the parent does about it. */
async function zombieOf(script: string): Promise<{ parent: ChildProcess; zombie: number }> {
  const parent = spawn('perl', ['-e', `$| = 1; if (my $p = fork) { print "$p\\n"; ${script} } else { exit 0 }`], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  own.push(parent);
  const zombie = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  assert.ok(await waitFor(() => fs.readFileSync(`/proc/${zombie}/stat`, 'latin1').includes(') Z ')), 'the child is a zombie');
  return { parent, zombie };
}

describe("the zombie alert's fix: ask the parent to reap, kill nothing", () => {
  it('a parent that handles SIGCHLD reaps its zombie when asked', async () => {
    // The handler is installed after the child died, so only the nudge's SIGCHLD reaches it.
    const { parent, zombie } = await zombieOf('sleep 1; $SIG{CHLD} = sub { waitpid(-1, 0) }; sleep 1 while 1;');
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(stillThere({ kind: 'zombie', agentId: null, pid: zombie, ppid: parent.pid!, reason: '' }), true);
    const result = await nudgeParent(zombie, parent.pid!);
    assert.equal(result.ok, true, result.message);
    assert.equal(stillThere({ kind: 'zombie', agentId: null, pid: zombie, ppid: parent.pid!, reason: '' }), false);
    assert.ok(isRunning(parent.pid!), 'the parent is not harmed');
  });

  it('a parent that never reaps is named, and left running', async () => {
    const { parent, zombie } = await zombieOf('sleep 100007;');
    const result = await nudgeParent(zombie, parent.pid!);
    assert.equal(result.ok, false);
    assert.match(result.message, new RegExp(`its parent ${parent.pid} \\(perl`));
    assert.ok(isRunning(parent.pid!));
    await assert.rejects(nudgeParent(zombie, parent.pid! + 100_000), /now has parent/, 'a zombie whose parent changed is not acted on');
  });
});
