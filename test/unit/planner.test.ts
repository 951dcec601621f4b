import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan } from '../../src/core/sweep/planner.js';
import { MIN, NOW, kinds, live, policy, snapshot, task, taskDir } from './snapshot-builder.js';
import { JOURNAL_TARGET } from '../../src/core/workspace/layout.js';

const T = 'TASK-20261124-010203-abcdef01';
const ID = 'builder-232300-9040a9';
const SESSION = `agent_${ID}`;

describe('planner: finished agents', () => {
  it('plans a finished agent with a live session in SPEC order', () => {
    const view = task({
      name: T,
      agents: [{ id: ID, status: 'completed', session: SESSION }],
      logs: [`${ID}_stream.jsonl`, `${ID}.log`, 'other-1_stream.jsonl'],
      prompts: [ID],
    });
    const p = plan(snapshot([view], [{ name: SESSION, id: '$7', panes: 2 }]), policy());
    assert.deepEqual(kinds(p.actions), [
      'capture-scrollback',
      'kill-session',
      'signal-processes',
      'archive-file',
      'archive-file',
      'delete-prompt',
      'record-outcome',
    ]);
    assert.equal(live(p.actions).length, p.actions.length);
    for (const a of p.actions) {
      assert.equal(a.agentId, ID);
      assert.equal(a.task, taskDir(T));
    }
    const [capture, kill, signal, arch1, arch2, prompt, outcome] = p.actions;
    assert.ok(capture?.kind === 'capture-scrollback');
    assert.deepEqual(capture.paneIds, ['%0', '%1']);
    assert.ok(kill?.kind === 'kill-session');
    assert.equal(kill.target, SESSION);
    assert.equal(kill.sessionId, '$7');
    assert.equal(signal?.target, SESSION);
    assert.deepEqual([arch1?.target, arch2?.target], [`logs/${ID}.log`, `logs/${ID}_stream.jsonl`]);
    assert.ok(prompt?.kind === 'delete-prompt');
    assert.equal(prompt.target, `agent_prompt_${ID}.txt`);
    assert.equal(prompt.file, `agent_prompt_${ID}.txt`);
    assert.equal(outcome?.target, JOURNAL_TARGET);
    assert.deepEqual(
      p.agents.map((a) => [a.agentId, a.verdict, a.sessionAlive]),
      [[ID, 'finished', true]],
    );
    assert.deepEqual(p.orphans, []);
  });

  it('never kills a session outside the pattern, and then leaves its logs alone', () => {
    const view = task({ name: T, agents: [{ id: ID, status: 'completed', session: 'work_main' }], logs: [`${ID}.log`], prompts: [ID] });
    const p = plan(snapshot([view], [{ name: 'work_main' }]), policy());
    assert.deepEqual(kinds(p.actions), ['kill-session', 'archive-file', 'delete-prompt', 'record-outcome']);
    const [kill, archive] = p.actions;
    assert.match(kill!.skip ?? '', /does not match/);
    assert.match(archive!.skip ?? '', /does not match/);
    assert.ok(
      !kinds(live(p.actions)).some(
        (k) => k === 'kill-session' || k === 'capture-scrollback' || k === 'signal-processes' || k === 'archive-file',
      ),
    );
    assert.deepEqual(p.orphans, []);
  });

  it('reports a finished agent with nothing left as clean, with no actions', () => {
    const gone = task({
      name: T,
      agents: [
        { id: ID, status: 'completed', session: SESSION },
        { id: 'x-1', status: 'failed' },
      ],
    });
    const p = plan(snapshot([gone], [{ name: 'unrelated' }]), policy());
    assert.deepEqual(p.actions, []);
    assert.deepEqual(
      p.agents.map((a) => a.verdict),
      ['clean', 'clean'],
    );
  });

  it('treats every configured terminal status, and only those, as finished', () => {
    const agents = ['completed', 'terminated', 'error', 'failed', 'killed', 'running', 'Completed'].map((status, i) => ({
      id: `a-${i}`,
      status,
    }));
    const view = task({ name: T, agents, prompts: agents.map((a) => a.id) });
    const p = plan(snapshot([view]), policy());
    assert.deepEqual([...new Set(live(p.actions).map((a) => a.agentId))], ['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    const custom = plan(snapshot([view]), policy({ terminalStatuses: new Set(['running']) }));
    assert.deepEqual([...new Set(custom.actions.map((a) => a.agentId))], ['a-5']);
  });

  it('skips non-regular log and prompt files with an error naming the path, and honours an archive refusal', () => {
    const view = task({
      name: T,
      agents: [{ id: 'a-1', status: 'completed' }],
      logs: [
        { name: 'a-1_stream.jsonl', kind: 'symlink' },
        { name: 'a-1.log', kind: 'other' },
        { name: 'a-1_ok.log', kind: 'file' },
      ],
      prompts: [{ name: 'agent_prompt_a-1.txt', kind: 'symlink' }],
    });
    const p = plan(snapshot([view]), policy());
    const byTarget = new Map(p.actions.map((a) => [a.target, a]));
    assert.match(byTarget.get('logs/a-1_stream.jsonl')!.skip ?? '', /symlink/);
    assert.match(byTarget.get('logs/a-1.log')!.skip ?? '', /not a regular file/);
    assert.equal(byTarget.get('logs/a-1_ok.log')!.skip, undefined);
    assert.match(byTarget.get('agent_prompt_a-1.txt')!.skip ?? '', /not a regular file/);
    assert.deepEqual(p.errors.map((e) => e.path).sort(), [
      `${taskDir(T)}/agent_prompt_a-1.txt`,
      `${taskDir(T)}/logs/a-1.log`,
      `${taskDir(T)}/logs/a-1_stream.jsonl`,
    ]);
    const refused = plan(
      snapshot([
        task({
          name: T,
          agents: [{ id: 'a-1', status: 'completed' }],
          logs: ['a-1.log'],
          archiveRefusal: 'archive/ is a symlink; refused',
        }),
      ]),
      policy(),
    );
    assert.deepEqual(kinds(refused.actions), ['archive-file']);
    assert.equal(refused.actions[0]!.skip, 'archive/ is a symlink; refused');
  });
});

describe('planner: idleness', () => {
  const running = (lastActivityMs: number, lastLog: number | undefined, extra: { pinned?: boolean; registryMtimeMs?: number } = {}) => {
    const view = task({
      name: T,
      agents: [{ id: ID, status: 'running', session: SESSION, pinned: extra.pinned ?? false }],
      logs: [`${ID}_stream.jsonl`],
      registryMtimeMs: extra.registryMtimeMs,
      lastLogWriteMs: lastLog === undefined ? {} : { [ID]: lastLog },
    });
    return snapshot([view], [{ name: SESSION, lastActivityMs }]);
  };

  it('is idle when both window activity and log writes are older than the threshold', () => {
    const p = plan(running(NOW - 200 * MIN, NOW - 150 * MIN), policy());
    assert.equal(p.agents[0]!.verdict, 'idle');
    assert.equal(p.agents[0]!.idleMinutes, 150);
    assert.deepEqual(kinds(p.actions), ['capture-scrollback', 'kill-session', 'signal-processes', 'archive-file', 'record-outcome']);
  });

  it('is not idle when the window is old but a log was written recently', () => {
    const p = plan(running(NOW - 200 * MIN, NOW - 5 * MIN), policy());
    assert.equal(p.agents[0]!.verdict, 'active');
    assert.equal(p.agents[0]!.idleMinutes, 5);
    assert.deepEqual(p.actions, []);
  });

  it('is not idle when the logs are old but the window showed output recently', () => {
    const p = plan(running(NOW - 3 * MIN, NOW - 500 * MIN), policy());
    assert.equal(p.agents[0]!.verdict, 'active');
    assert.deepEqual(p.actions, []);
  });

  it('looks at nothing else: a fresh registry write does not keep a silent agent alive', () => {
    const p = plan(running(NOW - 200 * MIN, undefined, { registryMtimeMs: NOW - 1000 }), policy());
    assert.equal(p.agents[0]!.verdict, 'idle');
  });

  it('uses the threshold boundary inclusively and can be disabled', () => {
    assert.equal(plan(running(NOW - 110 * MIN, undefined), policy()).agents[0]!.verdict, 'idle');
    assert.equal(plan(running(NOW - 109 * MIN, undefined), policy()).agents[0]!.verdict, 'active');
    assert.equal(plan(running(NOW - 10_000 * MIN, undefined), policy({ idleMinutes: null })).agents[0]!.verdict, 'active');
  });

  it('never cleans a pinned idle agent (registry pin or policy pin)', () => {
    for (const [snap, pol] of [
      [running(NOW - 300 * MIN, undefined, { pinned: true }), policy()],
      [running(NOW - 300 * MIN, undefined), policy({ pins: new Set([ID]) })],
    ] as const) {
      const p = plan(snap, pol);
      assert.equal(p.agents[0]!.verdict, 'pinned');
      assert.deepEqual(p.actions, []);
    }
  });
});

describe('planner: ghosts and orphans', () => {
  const ghostView = (registryMtimeMs: number, lastLog?: number) =>
    task({
      name: T,
      agents: [{ id: ID, status: 'running', session: SESSION }],
      registryMtimeMs,
      lastLogWriteMs: lastLog === undefined ? {} : { [ID]: lastLog },
    });

  it('reports a ghost after the grace period, and only then', () => {
    const ghost = plan(snapshot([ghostView(NOW - 10 * MIN)]), policy());
    assert.equal(ghost.agents[0]!.verdict, 'ghost');
    assert.deepEqual(
      ghost.orphans.map((o) => [o.kind, o.kind === 'ghost-agent' ? o.agentId : '']),
      [['ghost-agent', ID]],
    );
    assert.deepEqual(ghost.actions, []);
    const young = plan(snapshot([ghostView(NOW - 30_000)]), policy());
    assert.equal(young.agents[0]!.verdict, 'session-missing');
    assert.deepEqual(young.orphans, []);
    const recentLog = plan(snapshot([ghostView(NOW - 10 * MIN, NOW - 30_000)]), policy());
    assert.equal(recentLog.agents[0]!.verdict, 'session-missing');
  });

  it('does not call an agent without any session a ghost', () => {
    const p = plan(
      snapshot([task({ name: T, agents: [{ id: ID, status: 'running', session: null, sessionProblem: 'empty tmux session name' }] })]),
      policy(),
    );
    assert.equal(p.agents[0]!.verdict, 'active');
    assert.match(p.agents[0]!.reason, /session not usable/);
    assert.deepEqual(p.orphans, []);
  });

  it('reports pattern-matching sessions no registry names, and nothing else', () => {
    const view = task({ name: T, agents: [{ id: ID, status: 'running', session: SESSION }] });
    const sessions = [{ name: SESSION }, { name: 'agent_stray', id: '$42' }, { name: 'work_main' }, { name: 'my_agent_x' }];
    const p = plan(snapshot([view], sessions), policy());
    assert.deepEqual(p.orphans, [
      {
        kind: 'orphan-session',
        session: 'agent_stray',
        sessionId: '$42',
        reason: 'matches ^agent_ but no registry names it',
        unreadable: [],
      },
    ]);
    assert.deepEqual(p.actions, []);
  });

  it('says so when an unreadable registry might name the orphan', () => {
    const p = plan(snapshot([task({ name: T, agents: [], fatal: true })], [{ name: 'agent_stray' }]), policy());
    assert.equal(p.orphans.length, 1);
    assert.match(p.orphans[0]!.reason, /could not be read/);
  });

  it('clean-agent reports only the requested agent and no orphans', () => {
    const view = task({
      name: T,
      agents: [
        { id: ID, status: 'running', session: SESSION },
        { id: 'b-1', status: 'completed', session: 'agent_b-1' },
      ],
      prompts: ['b-1'],
    });
    const p = plan(snapshot([view], [{ name: SESSION }, { name: 'agent_b-1' }, { name: 'agent_stray' }]), policy({ onlyAgent: ID }));
    assert.deepEqual(
      p.agents.map((a) => [a.agentId, a.verdict]),
      [[ID, 'finished']],
    );
    assert.deepEqual(new Set(p.actions.map((a) => a.agentId)), new Set([ID]));
    assert.ok(kinds(p.actions).includes('kill-session'));
    assert.deepEqual(p.orphans, []);
  });
});

describe('planner: tmux unavailable', () => {
  it('takes no session decision at all', () => {
    const view = task({
      name: T,
      agents: [
        { id: ID, status: 'completed', session: SESSION },
        { id: 'g-1', status: 'running', session: 'agent_g-1' },
      ],
      logs: [`${ID}.log`],
      prompts: [ID],
    });
    const p = plan(snapshot([view], [], 'cannot run tmux: ENOENT'), policy());
    assert.deepEqual(p.actions, []);
    assert.deepEqual(p.orphans, []);
    assert.deepEqual(
      p.agents.map((a) => a.verdict),
      ['finished', 'active'],
    );
    for (const a of p.agents) assert.match(a.reason, /tmux unavailable/);
  });
});
