import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentRow, Verdict } from '../../src/shared/index.js';
import {
  agentKey,
  cleanedByCleanNow,
  EMPTY_FILTER,
  filterAgents,
  groupByTask,
  isCleanable,
  verdictCounts,
} from '../../renderer/src/lib/agent-list.js';

function row(task: string, agentId: string, over: Partial<AgentRow> = {}): AgentRow {
  return {
    task,
    taskDir: `/r/.agent-workspace/${task}`,
    root: '/r',
    agentId,
    status: 'running',
    verdict: 'active',
    reason: '',
    session: `agent_${agentId}`,
    sessionAlive: true,
    idleMinutes: 1,
    pinned: false,
    source: 'database',
    graceEndsAt: null,
    graceSeconds: null,
    files: [],
    bytes: 10,
    ...over,
  };
}

const OLD = 'TASK-20251120-010203-aaaaaaaa';
const NEW = 'TASK-20251124-010203-bbbbbbbb';
const rows = [
  row(OLD, 'fixer-2', { verdict: 'finished', sessionAlive: false }),
  row(NEW, 'builder-1', { pinned: true, verdict: 'pinned' }),
  row(OLD, 'fixer-10', { session: 'agent_special' }),
  row(NEW, 'reviewer-3', { verdict: 'ghost', sessionAlive: false, session: null, bytes: 5 }),
];
const finishing = row(NEW, 'tester-4', {
  status: 'completed',
  verdict: 'finishing',
  source: 'registry',
  graceEndsAt: '2025-11-24T12:00:12.000Z',
  graceSeconds: 12,
  files: [
    { path: 'logs/tester-4_stream.jsonl', bytes: 7, mtime: null },
    { path: 'progress/tester-4_progress.jsonl', bytes: 2, mtime: null },
  ],
});

describe('agents list: filters', () => {
  it('searches id, task and session, case-insensitively', () => {
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, text: 'FIXER' }).map((r) => r.agentId),
      ['fixer-2', 'fixer-10'],
    );
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, text: 'special' }).map((r) => r.agentId),
      ['fixer-10'],
    );
    assert.equal(filterAgents(rows, { ...EMPTY_FILTER, text: '20251124' }).length, 2);
    assert.equal(filterAgents(rows, { ...EMPTY_FILTER, text: '  ' }).length, 4);
  });

  it('combines verdict, alive-only, pinned-only and task', () => {
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, verdict: 'ghost' }).map((r) => r.agentId),
      ['reviewer-3'],
    );
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, aliveOnly: true }).map((r) => r.agentId),
      ['builder-1', 'fixer-10'],
    );
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, pinnedOnly: true }).map((r) => r.agentId),
      ['builder-1'],
    );
    assert.deepEqual(
      filterAgents(rows, { ...EMPTY_FILTER, task: OLD, aliveOnly: true }).map((r) => r.agentId),
      ['fixer-10'],
    );
  });
});

describe('agents list: finishing agents', () => {
  const all = [...rows, finishing];

  it('are a verdict of their own in the filter and its counts', () => {
    assert.deepEqual(
      filterAgents(all, { ...EMPTY_FILTER, verdict: 'finishing' }).map((r) => r.agentId),
      ['tester-4'],
    );
    assert.deepEqual(
      filterAgents(all, { ...EMPTY_FILTER, verdict: 'finished' }).map((r) => r.agentId),
      ['fixer-2'],
    );
    const counts = verdictCounts(all);
    assert.equal(counts.get('finishing'), 1);
    assert.equal(counts.get('finished'), 1);
    assert.equal(filterAgents(all, { ...EMPTY_FILTER, verdict: 'finishing', aliveOnly: true, text: 'tester' }).length, 1);
  });

  it('are counted apart in their task, not as "to clean": a sweep leaves them their grace, Clean now does not', () => {
    const head = groupByTask(all)[0]!;
    assert.ok(head.kind === 'task');
    assert.equal(head.task, NEW);
    assert.equal(head.cleanable, 1, 'only the ghost');
    assert.equal(head.finishing, 1);
    assert.equal(isCleanable('finishing'), false);
    assert.equal(cleanedByCleanNow('finishing'), true);
    assert.equal(cleanedByCleanNow('finished'), true);
    assert.equal(cleanedByCleanNow('active'), false);
    assert.equal(cleanedByCleanNow('pinned'), false);
  });
});

describe('agents list: grouping', () => {
  it('newest task first, a header per task, agents by id', () => {
    const items = groupByTask(rows);
    assert.deepEqual(
      items.map((i) => (i.kind === 'task' ? `# ${i.task}` : i.row.agentId)),
      [`# ${NEW}`, 'builder-1', 'reviewer-3', `# ${OLD}`, 'fixer-10', 'fixer-2'],
    );
    const head = items[0]!;
    assert.ok(head.kind === 'task');
    assert.equal(head.agents, 2);
    assert.equal(head.alive, 1);
    assert.equal(head.cleanable, 1, 'the ghost would be cleaned');
    assert.equal(head.bytes, 15);
  });

  it('a collapsed task keeps only its header', () => {
    const items = groupByTask(rows, new Set([`/r/.agent-workspace/${NEW}`]));
    assert.deepEqual(
      items.map((i) => (i.kind === 'task' ? `# ${i.collapsed}` : i.row.agentId)),
      ['# true', '# false', 'fixer-10', 'fixer-2'],
    );
  });

  it('an expanded agent is followed by its details, sized by its lines', () => {
    const items = groupByTask([...rows, finishing], new Set(), new Set([agentKey(finishing), agentKey(rows[2]!)]));
    assert.deepEqual(
      items.map((i) => (i.kind === 'task' ? '#' : i.kind === 'details' ? `details ${i.row.agentId} ${i.lines}` : i.row.agentId)),
      ['#', 'builder-1', 'reviewer-3', 'tester-4', 'details tester-4 4', '#', 'fixer-10', 'details fixer-10 2', 'fixer-2'],
    );
    // The same id under another task folder is another agent.
    const twin = { ...finishing, taskDir: '/other/.agent-workspace/' + NEW };
    assert.equal(groupByTask([twin], new Set(), new Set([agentKey(finishing)])).filter((i) => i.kind === 'details').length, 0);
  });

  it('groups by folder, not name: the same task name under two roots stays two groups', () => {
    const twin = row(OLD, 'x-1', { taskDir: '/other/.agent-workspace/' + OLD, root: '/other' });
    assert.equal(groupByTask([...rows, twin]).filter((i) => i.kind === 'task').length, 3);
  });

  it('10,000 agents group in well under a frame budget of work', () => {
    const many: AgentRow[] = [];
    const verdicts: Verdict[] = ['active', 'finished', 'clean', 'idle'];
    for (let i = 0; i < 10_000; i++)
      many.push(row(`TASK-2025112${i % 10}-000000-${String(i % 400).padStart(8, '0')}`, `a-${i}`, { verdict: verdicts[i % 4]! }));
    const t = performance.now();
    const items = groupByTask(filterAgents(many, { ...EMPTY_FILTER, text: 'a-' }));
    const ms = performance.now() - t;
    assert.equal(items.length, 10_000 + 400);
    assert.equal(verdictCounts(many).get('idle'), 2500);
    assert.ok(ms < 500, `took ${ms} ms`);
  });
});
