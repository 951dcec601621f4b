import type { ActionResult, AgentReport, AgentRow, CleanTarget, SweepReport } from '../../src/shared/index.js';
import { cleanedByCleanNow } from '../src/lib/agent-list.js';
import { archiveEntry } from './mock-archives.js';
import { ROOTS, type MockWorld } from './mock-data.js';

/** The dev harness's Clean now, previewed or run: the engine's actions per agent, and the report it returns. */

function targets(world: MockWorld, t: CleanTarget): AgentRow[] {
  return world.agents.filter(
    (a) =>
      (t.taskDir === undefined || a.taskDir === t.taskDir) &&
      (t.agentId === undefined || a.agentId === t.agentId) &&
      (t.agentId !== undefined || cleanedByCleanNow(a.verdict)),
  );
}

/** The actions cleaning one agent takes; `fails`: its kill fails, so what depends on the kill is skipped. */
function agentActions(a: AgentRow, run: boolean, fails: boolean): ActionResult[] {
  const actions: ActionResult[] = [];
  const base = {
    task: a.taskDir,
    agentId: a.agentId,
    reason:
      a.verdict === 'idle' ? `idle for ${a.idleMinutes ?? 0} minutes` : a.verdict === 'active' ? 'cleaned by hand' : `status ${a.status}`,
  };
  const outcome = (ok = true): ActionResult['outcome'] => (run ? (ok ? 'done' : 'failed') : 'planned');
  if (a.sessionAlive && a.session) {
    actions.push({ ...base, kind: 'capture-scrollback', target: a.session, outcome: outcome() });
    actions.push({
      ...base,
      kind: 'kill-session',
      target: a.session,
      outcome: outcome(!fails),
      ...(fails ? { error: `tmux kill-session -t $${17 + (a.agentId.length % 9)}: timed out after 10000 ms` } : {}),
    });
    actions.push({
      ...base,
      kind: 'signal-processes',
      target: `${a.session}: 3 processes`,
      outcome: fails ? 'skipped' : outcome(),
      ...(fails ? { reason: 'the session was not confirmed dead' } : {}),
    });
  } else if (a.session) {
    actions.push({ ...base, kind: 'kill-session', target: a.session, outcome: 'skipped', reason: 'session already gone' });
  }
  for (const f of a.files) {
    if (f.path.includes('/'))
      actions.push({
        ...base,
        kind: 'archive-file',
        target: f.path,
        outcome: fails ? 'skipped' : outcome(),
        ...(fails ? { reason: 'kept: its session may still write it' } : {}),
      });
    else actions.push({ ...base, kind: 'delete-prompt', target: f.path, outcome: fails ? 'skipped' : outcome() });
  }
  actions.push({ ...base, kind: 'record-outcome', target: 'archive/JOURNAL.jsonl', outcome: outcome() });
  return actions;
}

/** A cleaned agent: its logs archived, its session gone, nothing left to clean. */
function markCleaned(world: MockWorld, a: AgentRow): void {
  const moved = a.files.filter((f) => f.path.includes('/'));
  const list = world.archives.get(a.taskDir) ?? [];
  for (const f of moved) list.push(archiveEntry(f.path, a.agentId, f.bytes, world.config, Date.now()));
  if (list.length > 0) world.archives.set(a.taskDir, list);
  Object.assign(a, {
    verdict: 'clean',
    status: a.status === 'running' ? 'running' : a.status,
    sessionAlive: false,
    files: [],
    bytes: 0,
    reason: 'cleaned just now',
    graceEndsAt: null,
    graceSeconds: null,
  });
}

// Clean now ignores the finish grace, so its report calls a finishing agent finished, as the engine's does.
function reportedAgent(a: AgentRow): AgentReport {
  const f = a.verdict === 'finishing';
  return {
    task: a.taskDir,
    agentId: a.agentId,
    status: a.status,
    verdict: f ? 'finished' : a.verdict,
    reason: f ? `status ${a.status}` : a.reason,
    session: a.session,
    sessionAlive: a.sessionAlive,
    idleMinutes: a.idleMinutes,
    pinned: a.pinned,
    source: a.source,
    graceEndsAt: f ? null : a.graceEndsAt,
    graceSeconds: f ? null : a.graceSeconds,
  };
}

/** Clean now on `t`: planned only, or (`run`) done, changing the world as the engine would. */
export function planClean(world: MockWorld, t: CleanTarget, run: boolean): SweepReport {
  const actions: ActionResult[] = [];
  const chosen = targets(world, t);
  for (const a of chosen) {
    if (!cleanedByCleanNow(a.verdict) && a.verdict !== 'active') continue;
    // One agent in 7 (by id) has a kill that fails, to show failures.
    const fails = run && a.agentId.charCodeAt(a.agentId.length - 1) % 7 === 0;
    actions.push(...agentActions(a, run, fails));
    if (run && !fails) markCleaned(world, a);
  }
  const counts = { done: 0, skipped: 0, failed: 0, planned: 0 };
  for (const a of actions) counts[a.outcome]++;
  return {
    agents: chosen.map(reportedAgent),
    actions,
    orphans: [],
    errors: [],
    stats: {
      roots: ROOTS.length,
      tasks: new Set(chosen.map((a) => a.taskDir)).size,
      registries: 0,
      databases: 1,
      agents: chosen.length,
      actions: counts,
      tmuxSpawns: 3,
      dryRun: !run,
      engineMs: 12,
      stepsMs: {},
      timeouts: [],
    },
  };
}
