import type { AgentReport, InputError, Orphan, Verdict } from '../shared/index.js';
import type { PlannedAction, Plan, PlanPolicy, Snapshot, TaskView } from './plan-types.js';
import type { RegistryAgent } from './registry-reader.js';
import { LOGS_DIR, PROMPT_PREFIX, PROMPT_SUFFIX } from './task-scan.js';
import type { TmuxSession } from './tmux/tmux-listing.js';

export const JOURNAL_TARGET = 'archive/JOURNAL.jsonl';

type SessionUsers = Map<string, { task: string; agentId: string; status: string; keepsSession: boolean }[]>;

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
  const begun = view.scan.intents.pending.get(agent.id);
  if (begun) return { verdict: 'finished', reason: `resuming an interrupted cleanup (${begun.reason})`, clean: true, idleMinutes: null };
  if (terminal) return { verdict: 'finished', reason: `status ${agent.status}`, clean: true, idleMinutes: null };
  const ended = view.scan.intents.ended.get(agent.id);
  if (ended && !live) return { verdict: 'clean', reason: `cleaned by agent-janitor at ${ended.ts} (${ended.reason})`, clean: false, idleMinutes: null };
  if (live) {
    const lastOutput = Math.max(live.lastActivityMs, lastLog);
    const asleep = policy.suspensions.reduce((sum, [resumedAt, length]) => (resumedAt > lastOutput ? sum + Math.min(length, resumedAt - lastOutput) : sum), 0);
    const idle = Math.max(0, (snapshot.now - lastOutput - asleep) / 60_000);
    const idleMinutes = Math.round(idle * 100) / 100;
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

/** Why a live session must stay even though its agent is being cleaned; null when it may be killed. */
function sessionKeeper(task: string, agent: RegistryAgent, live: TmuxSession | undefined, users: SessionUsers, policy: PlanPolicy): string | null {
  if (!live) return null;
  if (agent.session === null) return `session ${JSON.stringify(agent.rawSession)} is alive but its name was refused (${agent.sessionProblem}); never killed`;
  if (!policy.sessionPattern.test(agent.session)) return `session ${agent.session} does not match ${policy.sessionPattern.source}; never killed`;
  const other = users.get(agent.session)?.find((u) => (u.task !== task || u.agentId !== agent.id) && u.keepsSession);
  if (other) return `session ${agent.session} is also named by agent ${other.agentId} (status ${other.status}), which is not finished; not killed`;
  return null;
}

function cleanupActions(
  agent: RegistryAgent,
  view: TaskView,
  live: TmuxSession | undefined,
  reason: string,
  keeper: string | null,
  claimed: Map<string, string>,
  errors: InputError[],
): PlannedAction[] {
  const task = view.scan.ref.dir;
  const base = { task, agentId: agent.id, reason };
  const actions: PlannedAction[] = [];
  const sessionStays = keeper;
  if (live && keeper && agent.session) {
    actions.push({ ...base, kind: 'kill-session', target: agent.session, session: agent.session, sessionId: live.id, skip: keeper });
  } else if (live && agent.session && claimed.has(agent.session)) {
    actions.push({ ...base, kind: 'kill-session', target: agent.session, session: agent.session, sessionId: live.id, skip: `killed on behalf of agent ${claimed.get(agent.session)}, which shares it` });
  } else if (live && agent.session) {
    const session = agent.session;
    claimed.set(session, agent.id);
    actions.push({ ...base, kind: 'capture-scrollback', target: session, session, paneIds: live.panes.map((p) => p.paneId) });
    actions.push({ ...base, kind: 'kill-session', target: session, session, sessionId: live.id });
    actions.push({ ...base, kind: 'signal-processes', target: session, session, remembered: [] });
  } else if (!live) {
    // The session died in an interrupted cleanup: its processes are known only from the intent journal.
    const remembered = view.scan.intents.pending.get(agent.id)?.pids ?? [];
    if (remembered.length) actions.push({ ...base, kind: 'signal-processes', target: agent.session ?? agent.id, session: agent.session ?? agent.id, remembered });
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
  // An interrupted cleanup is closed by its record-outcome, even when nothing else is left to do.
  if (actions.some((a) => !a.skip) || view.scan.intents.pending.has(agent.id)) actions.push({ ...base, kind: 'record-outcome', target: JOURNAL_TARGET });
  return actions;
}

function judgeAll(snapshot: Snapshot, policy: PlanPolicy): Map<RegistryAgent, { view: TaskView; live: TmuxSession | undefined; j: Judgement }> {
  const judged = new Map<RegistryAgent, { view: TaskView; live: TmuxSession | undefined; j: Judgement }>();
  for (const view of snapshot.tasks) {
    if (policy.excludeTasks.has(view.scan.ref.dir)) continue;
    for (const agent of view.scan.registry?.agents ?? []) {
      if (policy.onlyAgent !== null && agent.id !== policy.onlyAgent) continue;
      const live = agent.rawSession !== null ? snapshot.tmux.sessions.get(agent.rawSession) : undefined;
      let j = judge(agent, view, live, snapshot, policy);
      if (snapshot.tmux.error !== null && agent.rawSession !== null) {
        // Without a tmux listing we cannot tell a live session from a dead one: act on nothing that depends on it.
        j = { ...j, verdict: j.clean ? j.verdict : 'active', reason: `${j.reason}; tmux unavailable, left alone`, clean: false };
      }
      judged.set(agent, { view, live, j });
    }
  }
  return judged;
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
  const judged = judgeAll(snapshot, policy);
  // Every name any registry wrote, refused or not, so a session is never called an orphan because of a typo'd entry;
  // and who still needs it, so one agent's cleanup never kills a session another agent is running in.
  const users: SessionUsers = new Map();
  for (const view of snapshot.tasks) {
    for (const agent of view.scan.registry?.agents ?? []) {
      if (agent.rawSession === null) continue;
      const mine = judged.get(agent);
      const keepsSession = mine ? !mine.j.clean : !policy.terminalStatuses.has(agent.status);
      const list = users.get(agent.rawSession) ?? [];
      list.push({ task: view.scan.ref.dir, agentId: agent.id, status: agent.status, keepsSession });
      users.set(agent.rawSession, list);
    }
  }
  const claimed = new Map<string, string>();
  for (const [agent, { view, live, j }] of judged) {
    const report: AgentReport = {
      task: view.scan.ref.dir,
      agentId: agent.id,
      status: agent.status,
      verdict: j.verdict,
      reason: j.reason,
      session: agent.session,
      sessionAlive: live !== undefined,
      idleMinutes: j.idleMinutes,
      pinned: agent.pinned || policy.pins.has(agent.id),
    };
    agents.push(report);
    if (j.verdict === 'ghost') {
      orphans.push({ kind: 'ghost-agent', task: view.scan.ref.dir, agentId: agent.id, session: agent.session, reason: j.reason });
    }
    if (!j.clean) continue;
    const planned = cleanupActions(agent, view, live, j.reason, sessionKeeper(view.scan.ref.dir, agent, live, users, policy), claimed, errors);
    if (planned.length === 0 && j.verdict === 'finished') {
      report.verdict = 'clean';
      report.reason = `${j.reason}; nothing left to clean`;
    }
    actions.push(...planned);
  }
  if (policy.onlyAgent === null && policy.fullScan && snapshot.tmux.error === null) {
    const unreadable = snapshot.tasks.some((v) => v.scan.registry?.fatal);
    for (const session of snapshot.tmux.sessions.values()) {
      if (!policy.sessionPattern.test(session.name) || users.has(session.name)) continue;
      const note = unreadable ? ' (some registries could not be read, so it may be named in one of them)' : '';
      orphans.push({ kind: 'orphan-session', session: session.name, sessionId: session.id, reason: `matches ${policy.sessionPattern.source} but no registry names it${note}` });
    }
  }
  return { agents, actions, orphans, errors };
}
