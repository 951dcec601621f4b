import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanup } from '../../src/core/index.js';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox, isRunning, startedInSandbox, waitFor } from '../helpers/sandbox.js';

const ROUNDS = 4;
/** The argv of the processes the pane keeps forking: only this test's panes start them. */
const FORKED = 'sleep 100011';

function forkedAlive(socket: string): number[] {
  return startedInSandbox(socket).filter((pid) => {
    try {
      return (
        fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim() === FORKED &&
        !fs.readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z ')
      );
    } catch {
      return false;
    }
  });
}

describe('processes forked between the snapshot and the kill (issue 9 point 5)', () => {
  let sb: Sandbox;
  before(() => {
    sb = Sandbox.create();
  });
  after(async () => {
    await sb.cleanup();
  });

  it(`an agent that forks escaping children every few milliseconds, ${ROUNDS} rounds: none survives, each is reported, the bystander lives`, async () => {
    // Ignores SIGHUP, so it keeps forking after its session dies, until TERM; each child escapes by setsid.
    const script = path.join(sb.dir, 'forker.sh');
    fs.writeFileSync(script, `trap '' HUP\nwhile :; do setsid ${FORKED} & sleep 0.005; done\n`);
    await sb.startSession('agent_bystander-1', `sh -c 'trap "" HUP; ${FORKED}'`);
    const bystanders = await sb.panePids('agent_bystander-1');
    for (let round = 0; round < ROUNDS; round++) {
      const id = `forker-${round}`;
      await sb.startSession(`agent_${id}`, `bash ${script}`);
      makeTask(sb.workspace, [
        { id, status: 'completed', tmux_session: `agent_${id}` },
        { id: 'bystander-1', status: 'running', tmux_session: 'agent_bystander-1' },
      ]);
      assert.ok(await waitFor(() => forkedAlive(sb.socket).length >= 10), 'the agent is forking');

      const report = await runCleanup(sb.config({ killGraceMs: 300 }), { dryRun: false });

      const signal = report.actions.find((a) => a.kind === 'signal-processes' && a.agentId === id);
      assert.equal(signal?.outcome, 'done', JSON.stringify(signal));
      assert.match(
        signal?.detail ?? '',
        /started after the snapshot, found by a second look at \/proc: \d+/,
        `round ${round}: the late ones are reported`,
      );
      // Only the bystander's own FORKED may remain (its pane runs it directly).
      assert.ok(
        await waitFor(() => forkedAlive(sb.socket).every((pid) => bystanders.includes(pid) || isChildOf(pid, bystanders)), 3000),
        `round ${round}: no child of the agent survives: ${forkedAlive(sb.socket).join(' ')}`,
      );
      for (const pid of bystanders) assert.ok(isRunning(pid), `round ${round}: the bystander's pane lives`);
      assert.deepEqual(await sb.sessions(), ['agent_bystander-1']);
    }
  });
});

function isChildOf(pid: number, parents: readonly number[]): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return parents.includes(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  } catch {
    return false;
  }
}
