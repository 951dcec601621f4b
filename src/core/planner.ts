import type { AgentReport, InputError, Orphan, Verdict } from '../shared/index.js';
import type { PlannedAction, Plan, PlanPolicy, Snapshot, TaskView } from './plan-types.js';
import type { RegistryAgent } from './registry-reader.js';
import { LOGS_DIR, PROMPT_PREFIX, PROMPT_SUFFIX } from './task-scan.js';
import type { TmuxSession } from './tmux/tmux-listing.js';

export const JOURNAL_TARGET = 'archive/JOURNAL.jsonl';

interface Judgement {
  verdict: Verdict;
  reason: string;
  clean: boolean;
  idleMinutes: number | null;
}

function judge(agent: RegistryAgent, view: TaskView, live: TmuxSession | undefined, snapshot: Snapshot, policy: PlanPolicy): Judgement {
  const terminal = policy.terminalStatuses.has(agent.status);
  const lastLog = view.lastLogWriteMs.get(agent.id) ?? 0;
  if (policy.onlyAgent === agent.id) return { verdict: 'finished', reason: 'clean-agent requested', clean: true, idleMinutes: null };
  if (terminal) return { verdict: 'finished', reason: `status ${agent.status}`, clean: true, idleMinutes: null };
  if (live) {
    const lastOutput = Math.max(live.lastActivityMs, lastLog);
    const idle = Math.max(0, (snapshot.now - lastOutput) / 60_000);
    const idleMinutes = Math.round(idle * 10) / 10;
    if (policy.idleMinutes !== null && idle >= policy.idleMinutes) {
      const pinned = agent.pinned || policy.pins.has(agent.id);
      const why = `no output for ${Math.floor(idle)} min (threshold ${policy.idleMinutes})`;
      return pinned
        ? { verdict: 'pinned', reason: `${why}, but pinned`, clean: false, idleMinutes }
        : { verdict: 'idle', reason: why, clean: true, idleMinutes };
    }
    return { verdict: 'active', reason: `status ${agent.status}`, clean: false, idleMinutes };
  }
  if (agent.session === null) {
    const why = agent.sessionProblem ? `session not usable: ${agent.sessionProblem}` : 'no tmux session named';
    return { verdict: 'active', reason: `status ${agent.status}; ${why}`, clean: false, idleMinutes: null };
  }
  const registryWrite = view.scan.registry?.mtimeMs ?? 0;
  const goneForSec = (snapshot.now - Math.max(lastLog, registryWrite)) / 1000;
  if (goneForSec > policy.ghostGraceSeconds) {
    return { verdict: 'ghost', reason: `status ${agent.status} but session ${agent.session} is gone`, clean: false, idleMinutes: null };
  }
  return { verdict: 'session-missing', reason: `session ${agent.session} not found yet (grace ${policy.ghostGraceSeconds} s)`, clean: false, idleMinutes: null };
}

function cleanupActions(agent: RegistryAgent, view: TaskView, live: TmuxSession | undefined, reason: string, policy: PlanPolicy, errors: InputError[]): PlannedAction[] {
  const task = view.scan.ref.dir;
  const base = { task, agentId: agent.id, reason };
  const actions: PlannedAction[] = [];
  let sessionStays: string | null = null;
  if (live && agent.session) {
    const session = agent.session;
    if (!policy.sessionPattern.test(session)) {
      sessionStays = `session ${session} does not match ${policy.sessionPattern.source}; never killed`;
      actions.push({ ...base, kind: 'kill-session', target: session, session, sessionId: live.id, skip: sessionStays });
    } else {
      actions.push({ ...base, kind: 'capture-scrollback', target: session, session, paneIds: live.panes.map((p) => p.paneId) });
      actions.push({ ...base, kind: 'kill-session', target: session, session, sessionId: live.id });
      actions.push({ ...base, kind: 'signal-processes', target: session, session });
    }
  }
  const refusal = view.scan.archiveRefusal;
  for (const file of view.logsByAgent.get(agent.id) ?? []) {
    const target = `${LOGS_DIR}/${file.name}`;
    let skip: string | undefined;
    if (sessionStays) skip = `${sessionStays}, so its logs may still be written`;
    else if (refusal) skip = refusal;
    else if (file.kind !== 'file') {
      skip = `${target} is ${file.kind === 'symlink' ? 'a symlink' : 'not a regular file'}; refused`;
      errors.push({ path: `${task}/${target}`, message: skip });
    }
    actions.push({ ...base, kind: 'archive-file', target, file: file.name, ...(skip ? { skip } : {}) });
  }
  const prompt = view.scan.prompts.get(agent.id);
  if (prompt) {
    const skip = prompt.kind === 'file' ? undefined : `${prompt.name} is not a regular file; refused`;
    if (skip) errors.push({ path: `${task}/${prompt.name}`, message: skip });
    actions.push({ ...base, kind: 'delete-prompt', target: `${PROMPT_PREFIX}${agent.id}${PROMPT_SUFFIX}`, file: prompt.name, ...(skip ? { skip } : {}) });
  }
  if (actions.some((a) => !a.skip)) actions.push({ ...base, kind: 'record-outcome', target: JOURNAL_TARGET });
  return actions;
}

/**
 * Pure: the same snapshot and policy always give the same plan, which is what lets a dry run print exactly what a
 * real run will do. Per agent, actions follow SPEC.md's order; the executor keeps that order per agent.
 */
export function plan(snapshot: Snapshot, policy: PlanPolicy): Plan {
  const agents: AgentReport[] = [];
  const actions: PlannedAction[] = [];
  const orphans: Orphan[] = [];
  const errors: InputError[] = [...snapshot.errors];
  const named = new Set<string>();
  const tmuxKnown = snapshot.tmux.error === null;
  for (const view of snapshot.tasks) {
    for (const agent of view.scan.registry?.agents ?? []) {
      if (agent.session) named.add(agent.session);
      if (policy.onlyAgent !== null && agent.id !== policy.onlyAgent) continue;
      const live = agent.session ? snapshot.tmux.sessions.get(agent.session) : undefined;
      let j = judge(agent, view, live, snapshot, policy);
      if (!tmuxKnown && agent.session) {
        // Without a tmux listing we cannot tell a live session from a dead one: act on nothing that depends on it.
        j = { ...j, verdict: j.clean ? j.verdict : 'active', reason: `${j.reason}; tmux unavailable, left alone`, clean: false };
      }
      agents.push({
        task: view.scan.ref.dir,
        agentId: agent.id,
        status: agent.status,
        verdict: j.verdict,
        reason: j.reason,
        session: agent.session,
        sessionAlive: live !== undefined,
        idleMinutes: j.idleMinutes,
      });
      if (j.verdict === 'ghost') {
        orphans.push({ kind: 'ghost-agent', task: view.scan.ref.dir, agentId: agent.id, session: agent.session, reason: j.reason });
      }
      if (!j.clean) continue;
      const planned = cleanupActions(agent, view, live, j.reason, policy, errors);
      if (planned.length === 0 && j.verdict === 'finished') {
        const last = agents[agents.length - 1]!;
        last.verdict = 'clean';
        last.reason = `${j.reason}; nothing left to clean`;
      }
      actions.push(...planned);
    }
  }
  if (policy.onlyAgent === null && tmuxKnown) {
    const unreadable = snapshot.tasks.some((v) => v.scan.registry?.fatal);
    for (const session of snapshot.tmux.sessions.values()) {
      if (!policy.sessionPattern.test(session.name) || named.has(session.name)) continue;
      const note = unreadable ? ' (some registries could not be read, so it may be named in one of them)' : '';
      orphans.push({ kind: 'orphan-session', session: session.name, sessionId: session.id, reason: `matches ${policy.sessionPattern.source} but no registry names it${note}` });
    }
  }
  return { agents, actions, orphans, errors };
}
