import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { matchAgentFiles } from '../../src/core/archive/file-match.js';
import type { Plan, PlanPolicy, Snapshot, TaskView } from '../../src/core/sweep/plan-types.js';
import { plan } from '../../src/core/sweep/planner.js';
import type { FileEntry } from '../../src/core/workspace/task-scan.js';
import { MIN, NOW, SPEC_ORDER, live, policy, snapshot, task, type AgentSpec, type SessionSpec } from './snapshot-builder.js';

// Small pools so that ids prefix each other, sessions are shared, and logs collide on boundaries.
const IDS = ['a', 'a_b', 'fixer-1', 'fixer-10', 'b.c', 'z-9'];
const SESSIONS = ['agent_a', 'agent_b', 'agent_c', 'agent_fixer-1', 'work_main', 'my_agent_x'];
const STATUSES = ['completed', 'failed', 'killed', 'running', 'waiting', 'error'];

/** null with weight `nullWeight` against `valueWeight` (fc.option only lets null be the rare case). */
const maybe = <T>(arb: fc.Arbitrary<T>, nullWeight: number, valueWeight: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: nullWeight }, { arbitrary: arb, weight: valueWeight });

const agentArb: fc.Arbitrary<AgentSpec> = fc.record({
  id: fc.constantFrom(...IDS),
  status: fc.constantFrom(...STATUSES),
  session: maybe(fc.constantFrom(...SESSIONS), 1, 4),
  sessionProblem: fc.constant(null),
  pinned: fc.boolean(),
});
const fileArb: fc.Arbitrary<Omit<FileEntry, 'dir'>> = fc.record({
  name: fc.oneof(
    fc
      .tuple(fc.constantFrom(...IDS), fc.constantFrom('_', '.', '-', '0_'), fc.constantFrom('stream.jsonl', 'log', 'b_x.log'))
      .map(([i, s, r]) => i + s + r),
    fc.constantFrom('notes.txt', 'a', 'fixer-1'),
  ),
  kind: fc.constantFrom<FileEntry['kind']>('file', 'file', 'file', 'symlink', 'other'),
});
const taskArb = fc.record({
  agents: fc.uniqueArray(agentArb, { selector: (a) => a.id, maxLength: 4 }),
  logs: fc.uniqueArray(fileArb, { selector: (f) => f.name, maxLength: 6 }),
  prompts: fc.uniqueArray(fc.record({ id: fc.constantFrom(...IDS), kind: fc.constantFrom<FileEntry['kind']>('file', 'file', 'symlink') }), {
    selector: (p) => p.id,
    maxLength: 4,
  }),
  archiveRefusal: maybe(fc.constant('archive/ is a symlink; refused'), 6, 1),
  fatalRegistry: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  registryAgeMin: fc.integer({ min: 0, max: 300 }),
  logAgeMin: fc.integer({ min: 0, max: 300 }),
});
const sessionArb: fc.Arbitrary<SessionSpec> = fc.record({
  name: fc.constantFrom(...SESSIONS),
  lastActivityMs: fc.integer({ min: 0, max: 400 }).map((m) => NOW - m * MIN),
  panes: fc.integer({ min: 1, max: 3 }),
});
const worldArb = fc.record({
  tasks: fc.array(taskArb, { minLength: 1, maxLength: 3 }),
  sessions: fc.uniqueArray(sessionArb, { selector: (s) => s.name, maxLength: 6 }),
  tmuxError: fc.integer({ min: 0, max: 9 }).map((n): string | null => (n === 0 ? 'tmux list-panes timed out' : null)),
  idleMinutes: fc.constantFrom<number | null>(110, 60, null),
  pins: fc.subarray(IDS, { maxLength: 2 }),
  onlyAgent: maybe(fc.constantFrom(...IDS), 8, 1),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

function build(world: World): { snap: Snapshot; pol: PlanPolicy } {
  const pol = policy({ idleMinutes: world.idleMinutes, pins: new Set(world.pins), onlyAgent: world.onlyAgent });
  const views: TaskView[] = world.tasks.map((t, i) => {
    const view = task({
      name: `TASK-20261124-00000${i}-abcdef0${i}`,
      agents: t.agents,
      fatal: t.fatalRegistry,
      registryMtimeMs: NOW - t.registryAgeMin * MIN,
      logs: t.logs,
      prompts: t.prompts.map((p) => ({ name: `agent_prompt_${p.id}.txt`, kind: p.kind })),
      archiveRefusal: t.archiveRefusal,
    });
    // As takeSnapshot does: newest log mtime only for agents that are not finished and own at least one file.
    const lastLogWriteMs = new Map<string, number>();
    for (const a of view.agents) {
      if (pol.terminalStatuses.has(a.status) && pol.onlyAgent !== a.id) continue;
      if (view.filesByAgent.has(a.id)) lastLogWriteMs.set(a.id, NOW - t.logAgeMin * MIN);
    }
    return { ...view, lastLogWriteMs };
  });
  return { snap: snapshot(views, world.sessions, world.tmuxError), pol };
}

/** What the file system and tmux look like after the executor carried out every non-skipped action of `p`. */
function afterState(snap: Snapshot, p: Plan): Snapshot {
  const done = live(p.actions);
  const sessions = new Map(snap.tmux.sessions);
  for (const a of done) if (a.kind === 'kill-session') sessions.delete(a.session);
  const tasks = snap.tasks.map((view): TaskView => {
    const dir = view.scan.ref.dir;
    const archived = new Set(done.filter((a) => a.task === dir && a.kind === 'archive-file').map((a) => a.target));
    const deleted = new Set(done.filter((a) => a.task === dir && a.kind === 'delete-prompt').map((a) => a.target));
    const files = view.scan.files.filter((f) => !archived.has(`${f.dir}/${f.name}`));
    const prompts = new Map([...view.scan.prompts].filter(([, e]) => !deleted.has(e.name)));
    const filesByAgent = matchAgentFiles(files, new Set(view.agents.map((a) => a.id)));
    const lastLogWriteMs = new Map([...view.lastLogWriteMs].filter(([id]) => filesByAgent.has(id)));
    // A journaled outcome closes the agent's intent, as the executor's end step does.
    const ended = new Map(view.scan.intents.ended);
    for (const a of done)
      if (a.task === dir && a.kind === 'record-outcome')
        ended.set(a.agentId, { op: 'end', ts: new Date(0).toISOString(), agentId: a.agentId, reason: a.reason });
    const intents = { pending: view.scan.intents.pending, ended };
    return { ...view, scan: { ...view.scan, files, prompts, intents }, filesByAgent, lastLogWriteMs };
  });
  return { ...snap, tasks, tmux: { ...snap.tmux, sessions } };
}

const RUNS = { numRuns: 250 };

describe('planner properties over random snapshots', () => {
  it('(a) is deterministic and does not mutate its input', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build(world);
        const copy = structuredClone(snap);
        const first = plan(snap, pol);
        assert.deepEqual(snap, copy, 'snapshot was mutated');
        assert.deepEqual(plan(copy, pol), first);
        assert.deepEqual(plan(snap, pol), first);
      }),
      RUNS,
    );
  });

  it('(b) kills only listed sessions that match the pattern, by their listed id', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build(world);
        for (const a of live(plan(snap, pol).actions)) {
          if (a.kind !== 'kill-session' && a.kind !== 'capture-scrollback' && a.kind !== 'signal-processes') continue;
          assert.equal(snap.tmux.error, null, `${a.kind} planned without a tmux listing`);
          assert.ok(pol.sessionPattern.test(a.session), `${a.kind} on ${a.session}`);
          assert.equal(a.target, a.session);
          const listed = snap.tmux.sessions.get(a.session);
          assert.ok(listed, `${a.kind} on unlisted ${a.session}`);
          if (a.kind === 'kill-session') assert.equal(a.sessionId, listed.id);
        }
      }),
      RUNS,
    );
  });

  it('(c) acts only on agents of a readable registry, and only on finished, idle or requested ones', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build(world);
        const p = plan(snap, pol);
        for (const a of p.actions) {
          const view = snap.tasks.find((v) => v.scan.ref.dir === a.task);
          assert.ok(view, `action for unknown task ${a.task}`);
          assert.equal(view.scan.registry?.fatal, null);
          const entry = view.scan.registry?.agents.find((x) => x.id === a.agentId);
          assert.ok(entry, `action for ${a.agentId}, not in ${a.task}`);
          if (pol.onlyAgent !== null) assert.equal(a.agentId, pol.onlyAgent);
          const report = p.agents.find((r) => r.task === a.task && r.agentId === a.agentId);
          assert.ok(report && (report.verdict === 'finished' || report.verdict === 'idle'), `${a.agentId} is ${report?.verdict}`);
        }
        for (const r of p.agents) {
          if (r.verdict === 'pinned' || r.verdict === 'active' || r.verdict === 'ghost') {
            assert.ok(!p.actions.some((a) => a.task === r.task && a.agentId === r.agentId), `${r.verdict} agent ${r.agentId} has actions`);
          }
        }
      }),
      RUNS,
    );
  });

  it('(d) keeps SPEC order per agent, with record-outcome last and only after real work', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build(world);
        const byAgent = new Map<string, Plan['actions']>();
        for (const a of plan(snap, pol).actions) {
          const key = `${a.task}\0${a.agentId}`;
          byAgent.set(key, [...(byAgent.get(key) ?? []), a]);
        }
        for (const [key, list] of byAgent) {
          const order = list.map((a) => SPEC_ORDER.indexOf(a.kind));
          for (let i = 1; i < order.length; i++) assert.ok(order[i - 1]! <= order[i]!, `${key}: ${list.map((a) => a.kind).join(' > ')}`);
          const outcome = list.filter((a) => a.kind === 'record-outcome');
          // An agent cleaned by hand is journaled even with nothing else to do (a ghost without files), once.
          const { task, agentId } = list[0]!;
          const cleared = pol.onlyAgent === agentId && !snap.tasks.find((t) => t.scan.ref.dir === task)!.scan.intents.ended.has(agentId);
          assert.equal(outcome.length, list.some((a) => a.kind !== 'record-outcome' && a.skip === undefined) || cleared ? 1 : 0, key);
          for (const k of ['capture-scrollback', 'kill-session', 'signal-processes', 'delete-prompt'] as const) {
            assert.ok(list.filter((a) => a.kind === k).length <= 1, `${key}: two ${k}`);
          }
        }
      }),
      RUNS,
    );
  });

  it('(e) a second sweep over the resulting state has nothing left to do', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build(world);
        const first = plan(snap, pol);
        const second = plan(afterState(snap, first), pol);
        assert.deepEqual(
          live(second.actions).map((a) => `${a.kind} ${a.agentId} ${a.target}`),
          [],
          `first sweep: ${live(first.actions)
            .map((a) => `${a.kind} ${a.agentId} ${a.target}`)
            .join(', ')}`,
        );
        for (const r of second.agents) {
          const before = first.agents.find((x) => x.task === r.task && x.agentId === r.agentId);
          if (
            snap.tmux.error === null &&
            before?.verdict === 'finished' &&
            !second.actions.some((a) => a.task === r.task && a.agentId === r.agentId)
          ) {
            assert.equal(r.verdict, 'clean', `${r.agentId} not clean after its cleanup`);
          }
        }
      }),
      RUNS,
    );
  });

  it('never plans a session action without a tmux listing, nor reports orphans then', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { snap, pol } = build({ ...world, tmuxError: 'cannot run tmux: ENOENT' });
        const p = plan(snap, pol);
        assert.ok(!p.actions.some((a) => a.kind === 'kill-session' || a.kind === 'capture-scrollback' || a.kind === 'signal-processes'));
        assert.deepEqual(p.orphans, []);
      }),
      RUNS,
    );
  });

  it('reports an orphan session exactly when it matches the pattern and no readable registry names it', () => {
    fc.assert(
      fc.property(
        worldArb.filter((w) => w.onlyAgent === null && w.tmuxError === null),
        (world) => {
          const { snap, pol } = build(world);
          const named = new Set(snap.tasks.flatMap((v) => (v.scan.registry?.agents ?? []).map((a) => a.session)));
          const expected = [...snap.tmux.sessions.keys()].filter((s) => pol.sessionPattern.test(s) && !named.has(s)).sort();
          const got = plan(snap, pol)
            .orphans.flatMap((o) => (o.kind === 'orphan-session' ? [o.session] : []))
            .sort();
          assert.deepEqual(got, expected);
        },
      ),
      RUNS,
    );
  });
});
