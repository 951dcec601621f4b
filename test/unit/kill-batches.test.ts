import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { killBatches } from '../../src/core/sweep/executor.js';
import { Ledger } from '../../src/core/sweep/ledger.js';
import type { PlannedAction } from '../../src/core/sweep/plan-types.js';

function kill(task: string, agentId: string, skip?: string): PlannedAction {
  return {
    kind: 'kill-session',
    task,
    agentId,
    reason: 'r',
    target: `agent_${agentId}`,
    session: `agent_${agentId}`,
    sessionId: `$${agentId}`,
    ...(skip ? { skip } : {}),
  };
}
function prompt(task: string, agentId: string): PlannedAction {
  return { kind: 'delete-prompt', task, agentId, reason: 'r', target: `agent_prompt_${agentId}.txt`, file: `agent_prompt_${agentId}.txt` };
}

/** `tasks` tasks of `perTask` kills each, named T000, T001, ... */
function plan(tasks: number, perTask: number): PlannedAction[] {
  const out: PlannedAction[] = [];
  for (let t = 0; t < tasks; t++) for (let a = 0; a < perTask; a++) out.push(kill(`T${String(t).padStart(3, '0')}`, `a${t}-${a}`));
  return out;
}

describe('killBatches: the kills of a sweep in at most 3 tmux spawns, by whole tasks', () => {
  it('keeps a small sweep in one batch', () => {
    const actions = plan(4, 10);
    const batches = killBatches(actions, new Set(actions.map((a) => a.task)));
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.size, 4);
  });

  it('splits 700 kills into 3 batches of about equal kills, in plan order, every held task exactly once', () => {
    const actions = plan(100, 7);
    const held = new Set(actions.map((a) => a.task));
    const batches = killBatches(actions, held);
    assert.equal(batches.length, 3);
    const sizes = batches.map((b) => b.size * 7);
    assert.ok(
      sizes.every((n) => n >= 210 && n <= 245),
      `kills per batch: ${sizes.join(', ')}`,
    );
    const order = batches.flatMap((b) => [...b]);
    assert.deepEqual(order, [...held], 'tasks keep plan order, none twice, none left out');
  });

  it('leaves out tasks whose lock is not held, and counts no skipped kill', () => {
    const actions = [...plan(2, 60), kill('T900', 'x', 'shared'), prompt('T901', 'y')];
    const held = new Set(['T000', 'T900', 'T901']);
    const batches = killBatches(actions, held);
    const all = batches.flatMap((b) => [...b]);
    assert.deepEqual(all.sort(), ['T000', 'T901'], 'T001 is not held; T900 has only a skipped action');
    assert.equal(batches.length, 1, '60 kills make one batch');
  });
});

describe('Ledger.scoped', () => {
  it('sees only its tasks, and records into the same results', () => {
    const a = kill('A', '1');
    const b = kill('B', '2');
    const ledger = new Ledger([a, b]);
    const view = ledger.scoped(new Set(['B']));
    assert.deepEqual(view.pending('kill-session'), [b]);
    view.record(b, 'done', 'killed');
    ledger.blocked.set('A\u00001', 'session survived');
    assert.deepEqual(ledger.pending('kill-session'), [a], 'what the view recorded is settled for the whole ledger');
    assert.deepEqual(view.unblocked('kill-session'), []);
    assert.equal(ledger.unblocked('kill-session').length, 0, 'blocked agents are shared too');
    assert.deepEqual(
      ledger.ordered().map((r) => r.outcome),
      ['skipped', 'done'],
    );
  });
});
