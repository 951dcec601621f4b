import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { childPath, isInside } from '../../src/core/base/guards.js';
import { plan } from '../../src/core/sweep/planner.js';
import { parsePsOutput } from '../../src/core/platform/proc-table.js';
import { readRegistry } from '../../src/core/workspace/json-registry.js';
import { live, policy, snapshot, task } from './snapshot-builder.js';

/** Bugs found by review; each test failed before its fix. */
describe('regressions', () => {
  it('a registry that is not valid UTF-8 gets a stable, accurate error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-utf8-'));
    try {
      const file = path.join(dir, 'AGENT_REGISTRY.json');
      fs.writeFileSync(
        file,
        Buffer.concat([Buffer.from('{"agents":[{"id":"a","status":"completed","note":"caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]),
      );
      const read = readRegistry(file);
      assert.match(read.fatal?.message ?? '', /not valid UTF-8/);
      assert.deepEqual(read.agents, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a live session whose registry name was refused is neither killed, nor called an orphan, nor has its logs moved', () => {
    const p = plan(
      snapshot(
        [
          task({
            name: 'TASK-x',
            agents: [
              { id: 'a-1', status: 'completed', session: null, rawSession: 'agent_a 1', sessionProblem: 'invalid tmux session name' },
            ],
            logs: ['a-1_stream.jsonl'],
            prompts: ['a-1'],
          }),
        ],
        [{ name: 'agent_a 1' }],
      ),
      policy(),
    );
    assert.deepEqual(
      live(p.actions).map((a) => a.kind),
      ['delete-prompt', 'record-outcome'],
    );
    assert.ok(p.actions.some((a) => a.kind === 'archive-file' && a.skip?.includes('logs may still be written')));
    assert.deepEqual(p.orphans, []);
  });

  it('a session shared with an agent that is still running is not killed for the finished one', () => {
    const p = plan(
      snapshot(
        [
          task({ name: 'TASK-a', agents: [{ id: 'done-1', status: 'completed', session: 'agent_shared' }], logs: ['done-1_stream.jsonl'] }),
          task({ name: 'TASK-b', agents: [{ id: 'run-1', status: 'running', session: 'agent_shared' }] }),
        ],
        [{ name: 'agent_shared' }],
      ),
      policy(),
    );
    const kill = p.actions.find((a) => a.kind === 'kill-session');
    assert.match(kill?.skip ?? '', /also named by agent run-1/);
    assert.deepEqual(live(p.actions), []);
  });

  it('two finished agents sharing a session plan one kill, not two', () => {
    const p = plan(
      snapshot(
        [
          task({
            name: 'TASK-a',
            agents: [
              { id: 'one', status: 'completed', session: 'agent_s' },
              { id: 'two', status: 'failed', session: 'agent_s' },
            ],
          }),
        ],
        [{ name: 'agent_s' }],
      ),
      policy(),
    );
    assert.equal(live(p.actions).filter((a) => a.kind === 'kill-session').length, 1);
  });

  it('ps output with several spaces before the command keeps argv clean', () => {
    const table = parsePsOutput('  501     1 Ss   Tue Nov 24 01:53:27 2026     /usr/sbin/foo -x\n');
    assert.equal(table.get(501)?.argv, '/usr/sbin/foo -x');
  });

  it('names that merely start with two dots stay inside', () => {
    assert.equal(isInside('/b', '/b/..foo'), true);
    assert.equal(childPath('/b', '..foo'), '/b/..foo');
    assert.equal(isInside('/b', '/b/../foo'), false);
    assert.throws(() => childPath('/b', '..'));
  });
});
