import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminalKey } from '../../src/core/sweep/judge.js';
import { Planner, plan } from '../../src/core/sweep/planner.js';
import { dbAgent, kinds, live, MIN, NOW, policy, snapshot, task, taskDir } from './snapshot-builder.js';

const T = 'TASK-20261124-010203-abcdef01';
const ID = 'fx-120000-aaaaaa';
const SESSION = `agent_${ID}`;
const GRACE = 20_000;

describe('planner: agents from the state database', () => {
  it('lets the database win where both sources name an agent, and adds agents only the database knows', () => {
    const view = task({
      name: T,
      agents: [
        { id: ID, status: 'running', session: SESSION, pinned: true },
        { id: 'old-1', status: 'completed' },
      ],
      dbAgents: [
        { id: ID, status: 'completed', session: SESSION },
        { id: 'new-1', status: 'running', session: 'agent_new-1' },
      ],
      logs: [`${ID}_stream.jsonl`, 'old-1_stream.jsonl'],
    });
    const p = plan(snapshot([view], [{ name: SESSION }, { name: 'agent_new-1' }]), policy());
    assert.deepEqual(
      p.agents.map((a) => [a.agentId, a.status, a.source, a.verdict, a.pinned]),
      [
        // The database's status wins; the registry's pin survives, and keeps the finished agent (issue 10).
        [ID, 'completed', 'database', 'pinned', true],
        ['old-1', 'completed', 'registry', 'finished', false],
        ['new-1', 'running', 'database', 'active', false],
      ],
    );
    assert.deepEqual(p.orphans, [], 'a session only the database names is not an orphan');
    assert.ok(!live(p.actions).some((a) => a.kind === 'kill-session' && a.target === SESSION), 'the pin keeps its session');
    assert.ok(live(p.actions).some((a) => a.agentId === 'old-1' && a.kind === 'archive-file'));
  });

  it('never calls a session named only by the database agent of a task folder that is gone an orphan, nor kills it', () => {
    const view = task({ name: T, agents: [{ id: ID, status: 'completed', session: 'agent_shared' }] });
    const planner = new Planner(policy(), snapshot([], [{ name: 'agent_shared' }, { name: 'agent_gone-task' }]).tmux, NOW);
    planner.nameSessions(taskDir('TASK-20261101-000000-00000000'), [
      dbAgent({ id: 'gone-1', status: 'running', session: 'agent_gone-task' }),
      dbAgent({ id: 'gone-2', status: 'working', session: 'agent_shared' }),
    ]);
    const p = planner.add([view]).finish([]);
    assert.deepEqual(p.orphans, []);
    const kill = p.actions.find((a) => a.kind === 'kill-session');
    assert.match(kill?.skip ?? '', /also named by agent gone-2 \(status working\), which is not finished/);
  });

  it('notes, on orphans, that a database could not be read', () => {
    const view = task({ name: T, agents: [], dbFatal: true });
    const p = plan(snapshot([view], [{ name: 'agent_x' }]), policy());
    assert.match(p.orphans[0]?.reason ?? '', /some registries could not be read/);
  });
});

describe('planner: statuses', () => {
  it('treats phase_completed as finished, and an unknown status as not finished, saying so', () => {
    const view = task({
      name: T,
      agents: [
        { id: 'p-1', status: 'phase_completed', session: 'agent_p-1' },
        { id: 'u-1', status: 'paused_by_human', session: 'agent_u-1' },
        { id: 'u-2', status: 'half-done' },
      ],
      logs: ['p-1_stream.jsonl', 'u-1_stream.jsonl'],
    });
    const p = plan(snapshot([view], [{ name: 'agent_p-1', dead: true }, { name: 'agent_u-1' }]), policy());
    const byId = new Map(p.agents.map((a) => [a.agentId, a]));
    assert.equal(byId.get('p-1')?.verdict, 'finished');
    assert.equal(byId.get('u-1')?.verdict, 'active');
    assert.match(byId.get('u-1')?.reason ?? '', /"paused_by_human" \(not a status the janitor knows: treated as not finished\)/);
    assert.equal(byId.get('u-2')?.verdict, 'active');
    assert.match(byId.get('u-2')?.reason ?? '', /not a status the janitor knows/);
    assert.deepEqual([...new Set(live(p.actions).map((a) => a.agentId))], ['p-1']);
  });
});

describe('planner: finish grace (SPEC step 0)', () => {
  const finished = (over: { completedAtMs?: number | null } = {}) =>
    task({
      name: T,
      agents: [],
      dbAgents: [{ id: ID, status: 'completed', session: SESSION, ...over }],
      logs: [`${ID}_stream.jsonl`],
      prompts: [ID],
    });

  it('leaves a finished agent whose panes still run alone, as finishing, with one skipped action saying until when', () => {
    const p = plan(snapshot([finished()], [{ name: SESSION }]), policy({ finishGraceMs: GRACE }));
    const [agent] = p.agents;
    assert.equal(agent?.verdict, 'finishing');
    assert.equal(agent?.graceEndsAt, new Date(NOW + GRACE).toISOString());
    assert.equal(agent?.graceSeconds, 20);
    assert.match(agent?.reason ?? '', /its processes still run: left to exit on its own until/);
    assert.deepEqual(kinds(p.actions), ['kill-session']);
    assert.match(p.actions[0]?.skip ?? '', /^finishing: left to exit on its own until 2026-11-24T12:00:20\.000Z/);
    assert.deepEqual(live(p.actions), [], 'nothing is done: no capture, kill, archive or prompt deletion');
    assert.deepEqual(p.orphans, []);
  });

  it("counts the grace from the agent's own completion time, or the daemon's first sight, whichever is earlier", () => {
    const own = plan(snapshot([finished({ completedAtMs: NOW - 15_000 })], [{ name: SESSION }]), policy({ finishGraceMs: GRACE }));
    assert.equal(own.agents[0]?.graceSeconds, 5);
    const seen = new Map([[terminalKey(taskDir(T), ID), NOW - 12_000]]);
    const remembered = plan(
      snapshot([finished({ completedAtMs: NOW - 5_000 })], [{ name: SESSION }]),
      policy({ finishGraceMs: GRACE, terminalSince: seen }),
    );
    assert.equal(remembered.agents[0]?.graceSeconds, 8);
    const future = plan(snapshot([finished({ completedAtMs: NOW + 60 * MIN })], [{ name: SESSION }]), policy({ finishGraceMs: GRACE }));
    assert.equal(future.agents[0]?.graceSeconds, 20, 'a completion time in the future is not trusted');
  });

  it('cleans at once when the grace is over, when the panes have exited, without a session, for clean-agent, or with grace 0', () => {
    const cases = [
      {
        name: 'grace over',
        snap: snapshot([finished({ completedAtMs: NOW - GRACE - 1 })], [{ name: SESSION }]),
        pol: policy({ finishGraceMs: GRACE }),
        why: /finish grace ended/,
      },
      {
        name: 'panes dead',
        snap: snapshot([finished()], [{ name: SESSION, dead: true }]),
        pol: policy({ finishGraceMs: GRACE }),
        why: /^status completed$/,
      },
      { name: 'session gone', snap: snapshot([finished()]), pol: policy({ finishGraceMs: GRACE }), why: /^status completed$/ },
      {
        name: 'clean-agent',
        snap: snapshot([finished()], [{ name: SESSION }]),
        pol: policy({ finishGraceMs: GRACE, onlyAgent: ID }),
        why: /clean-agent requested/,
      },
      {
        name: 'grace off',
        snap: snapshot([finished()], [{ name: SESSION }]),
        pol: policy({ finishGraceMs: 0 }),
        why: /^status completed$/,
      },
    ];
    for (const c of cases) {
      const p = plan(c.snap, c.pol);
      assert.equal(p.agents[0]?.verdict, 'finished', c.name);
      assert.match(p.agents[0]?.reason ?? '', c.why, c.name);
      assert.equal(p.agents[0]?.graceEndsAt, null, c.name);
      assert.ok(
        live(p.actions).some((a) => a.kind === 'archive-file'),
        `${c.name}: cleaned`,
      );
    }
  });

  it("keeps a finishing agent's session from being killed for another agent that names it", () => {
    const view = task({
      name: T,
      agents: [],
      dbAgents: [
        { id: ID, status: 'completed', session: SESSION },
        { id: 'twin-1', status: 'failed', session: SESSION },
      ],
    });
    const p = plan(snapshot([view], [{ name: SESSION }]), policy({ finishGraceMs: GRACE }));
    assert.deepEqual(
      p.agents.map((a) => a.verdict),
      ['finishing', 'finishing'],
    );
    assert.deepEqual(live(p.actions), []);
  });
});
