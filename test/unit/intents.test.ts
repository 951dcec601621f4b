import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIntents } from '../../src/core/workspace/intents.js';
import { plan } from '../../src/core/sweep/planner.js';
import { NOW, live, policy, snapshot, task } from './snapshot-builder.js';

const begin = (agentId: string, pids: { pid: number; start: string }[] = []) =>
  JSON.stringify({ op: 'begin', ts: 't1', agentId, reason: 'idle', session: `agent_${agentId}`, pids });
const end = (agentId: string) => JSON.stringify({ op: 'end', ts: 't2', agentId, reason: 'idle' });

describe('intent journal', () => {
  it('a begin without its end is pending; later lines win; torn lines are ignored', () => {
    const intents = parseIntents(
      [begin('a'), begin('b', [{ pid: 7, start: '99' }]), end('a'), begin('c'), end('c'), begin('c'), '{"op":"end","agentId":"b"'].join(
        '\n',
      ),
    );
    assert.deepEqual([...intents.pending.keys()].sort(), ['b', 'c']);
    assert.deepEqual(intents.pending.get('b')?.pids, [{ pid: 7, start: '99' }]);
    assert.deepEqual([...intents.ended.keys()], ['a']);
  });

  it('an interrupted cleanup is resumed whatever the registry says, and its remembered processes are signalled', () => {
    const intents = parseIntents(begin('r-1', [{ pid: 4321, start: '1234' }]));
    const p = plan(
      snapshot([
        task({ name: 'TASK-r', agents: [{ id: 'r-1', status: 'running', session: 'agent_r-1' }], logs: ['r-1_stream.jsonl'], intents }),
      ]),
      policy(),
    );
    assert.equal(p.agents[0]?.verdict, 'finished');
    assert.match(p.agents[0]?.reason ?? '', /resuming an interrupted cleanup/);
    assert.deepEqual(
      live(p.actions).map((a) => a.kind),
      ['signal-processes', 'archive-file', 'record-outcome'],
    );
    const signal = p.actions.find((a) => a.kind === 'signal-processes');
    assert.ok(signal?.kind === 'signal-processes' && signal.remembered[0]?.pid === 4321);
  });

  it('an agent the janitor ended is clean, not a ghost, though the registry still says running', () => {
    const intents = parseIntents([begin('e-1'), end('e-1')].join('\n'));
    const p = plan(
      snapshot([task({ name: 'TASK-e', agents: [{ id: 'e-1', status: 'running', session: 'agent_e-1' }], intents })]),
      policy({ ghostGraceSeconds: 0 }),
    );
    assert.equal(p.agents[0]?.verdict, 'clean');
    assert.deepEqual(p.orphans, []);
    assert.deepEqual(p.actions, []);
  });
});

describe('idleness across a sleep', () => {
  it('a sleep after the last output is not counted; one before it is', () => {
    const view = task({ name: 'TASK-s', agents: [{ id: 's-1', status: 'running', session: 'agent_s-1' }] });
    const lastOutput = NOW - 3 * 3600_000 - 60_000;
    const snap = snapshot([view], [{ name: 'agent_s-1', lastActivityMs: lastOutput }]);
    const asleep = plan(snap, policy({ idleMinutes: 30, suspensions: [[NOW - 30_000, 3 * 3600_000]] }));
    assert.equal(asleep.agents[0]?.verdict, 'active');
    assert.ok((asleep.agents[0]?.idleMinutes ?? 99) < 2);
    const before = plan(snap, policy({ idleMinutes: 30, suspensions: [[lastOutput - 1000, 3 * 3600_000]] }));
    assert.equal(before.agents[0]?.verdict, 'idle');
  });
});
