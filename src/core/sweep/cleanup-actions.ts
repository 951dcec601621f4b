import type { InputError } from '../../shared/index.js';
import type { PlannedAction, PlanPolicy, TaskView } from './plan-types.js';
import type { SourcedAgent } from '../workspace/sourced-agent.js';
import type { TmuxSession } from '../platform/tmux-listing.js';
import { JOURNAL_TARGET, ARCHIVE_DIR, PROMPT_PREFIX, PROMPT_SUFFIX } from '../workspace/layout.js';

/** The actions that clean one agent, in SPEC.md's order, each with the reason it is skipped when it must be. */
export interface SessionUser {
  task: string;
  agentId: string;
  status: string;
  keepsSession: boolean;
  /** Guessed, not read (an unreadable task's prompt): it keeps the session alive but does not stop an orphan report. */
  inferred?: boolean;
}
export type SessionUsers = Map<string, SessionUser[]>;

/** Why a live session must stay even though its agent is being cleaned; null when it may be killed. */
export function sessionKeeper(
  task: string,
  agent: SourcedAgent,
  live: TmuxSession | undefined,
  users: SessionUsers,
  policy: PlanPolicy,
): string | null {
  if (!live) return null;
  if (agent.session === null)
    return `session ${JSON.stringify(agent.rawSession)} is alive but its name was refused (${agent.sessionProblem}); never killed`;
  if (!policy.sessionPattern.test(agent.session))
    return `session ${agent.session} does not match ${policy.sessionPattern.source}; never killed`;
  const other = users.get(agent.session)?.find((u) => (u.task !== task || u.agentId !== agent.id) && u.keepsSession);
  if (other)
    return `session ${agent.session} is also named by agent ${other.agentId} (status ${other.status}), which is not finished; not killed`;
  return null;
}

export function cleanupActions(
  agent: SourcedAgent,
  view: TaskView,
  live: TmuxSession | undefined,
  reason: string,
  keeper: string | null,
  claimed: Map<string, string>,
  errors: InputError[],
  explicit: boolean,
): PlannedAction[] {
  const task = view.scan.ref.dir;
  const base = { task, agentId: agent.id, reason };
  const actions: PlannedAction[] = [];
  const sessionStays = keeper;
  if (live && keeper && agent.session) {
    actions.push({ ...base, kind: 'kill-session', target: agent.session, session: agent.session, sessionId: live.id, skip: keeper });
  } else if (live && agent.session && claimed.has(agent.session)) {
    actions.push({
      ...base,
      kind: 'kill-session',
      target: agent.session,
      session: agent.session,
      sessionId: live.id,
      skip: `killed on behalf of agent ${claimed.get(agent.session)}, which shares it`,
    });
  } else if (live && agent.session) {
    const session = agent.session;
    claimed.set(session, agent.id);
    actions.push({ ...base, kind: 'capture-scrollback', target: session, session, paneIds: live.panes.map((p) => p.paneId) });
    actions.push({ ...base, kind: 'kill-session', target: session, session, sessionId: live.id });
    actions.push({ ...base, kind: 'signal-processes', target: session, session, remembered: [] });
  } else if (!live) {
    // The session died in an interrupted cleanup: its processes are known only from the intent journal.
    const remembered = view.scan.intents.pending.get(agent.id)?.pids ?? [];
    if (remembered.length)
      actions.push({
        ...base,
        kind: 'signal-processes',
        target: agent.session ?? agent.id,
        session: agent.session ?? agent.id,
        remembered,
      });
  }
  const archiveRefusal = view.scan.refusals.get(ARCHIVE_DIR);
  for (const file of view.filesByAgent.get(agent.id) ?? []) {
    const target = `${file.dir}/${file.name}`;
    let skip: string | undefined;
    if (sessionStays) skip = `${sessionStays}, so its logs may still be written`;
    else if (archiveRefusal) skip = archiveRefusal;
    else if (file.kind !== 'file') {
      skip = `${target} is ${file.kind === 'symlink' ? 'a symlink' : 'not a regular file'}; refused`;
      errors.push({ path: `${task}/${target}`, message: skip });
    }
    actions.push({ ...base, kind: 'archive-file', target, dir: file.dir, file: file.name, ...(skip ? { skip } : {}) });
  }
  const prompt = view.scan.prompts.get(agent.id);
  if (prompt) {
    const skip = prompt.kind === 'file' ? undefined : `${prompt.name} is not a regular file; refused`;
    if (skip) errors.push({ path: `${task}/${prompt.name}`, message: skip });
    actions.push({
      ...base,
      kind: 'delete-prompt',
      target: `${PROMPT_PREFIX}${agent.id}${PROMPT_SUFFIX}`,
      file: prompt.name,
      ...(skip ? { skip } : {}),
    });
  }
  // An interrupted cleanup is closed by its record-outcome, even when nothing else is left to do.
  const begun = view.scan.intents.pending.get(agent.id);
  // Cleaned by hand with nothing left to do (a ghost without files): the outcome is still journaled and its intent
  // closed, so the agent counts as cleaned from now on instead of coming back as a ghost.
  const cleared = explicit && !view.scan.intents.ended.has(agent.id);
  if (actions.some((a) => !a.skip) || begun || cleared)
    actions.push({ ...base, kind: 'record-outcome', target: JOURNAL_TARGET, ...(begun ? { resumed: { session: begun.session } } : {}) });
  return actions;
}
