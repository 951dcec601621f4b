import type { ArchiveRequest } from '../archive/archiver.js';
import { agentKey, type ActionOf, type Ledger } from './ledger.js';
import { readProcessTable, type ProcInfo, type ProcTable } from '../platform/proc-table.js';
import { stopAndFindLate, terminateAll, type TerminateResult } from '../platform/process-killer.js';
import { childrenIndex, findSuspects, paneEnvIndex, protectedPids, sessionProcesses, treePids } from '../platform/process-tree.js';
import { errorMessage, withTimeout } from '../base/timeouts.js';
import { capturePanes, killSessions } from '../platform/tmux-batch.js';
import type { TmuxClient } from '../platform/tmux-client.js';
import type { TmuxState } from '../platform/tmux-listing.js';
import { plural } from '../../shared/index.js';
import { SCROLLBACK_SUFFIX } from '../workspace/layout.js';

export interface SessionStepOptions {
  killGraceMs: number;
  stepMs: number;
  tmuxMs: number;
}

/** Step 1: every pane of every session about to die, in one tmux spawn; the text is archived with the logs. */
export async function captureStep(ledger: Ledger, tmux: TmuxClient, opts: SessionStepOptions): Promise<Map<string, ArchiveRequest>> {
  const captured = new Map<string, ArchiveRequest>();
  const actions = ledger.pending('capture-scrollback');
  if (actions.length === 0) return captured;
  let outcomes;
  try {
    outcomes = await withTimeout('capture scrollback', opts.stepMs, () =>
      capturePanes(
        tmux,
        actions.flatMap((a) => a.paneIds),
      ),
    );
  } catch (err) {
    outcomes = new Map<string, { ok: boolean; output: string; error: string | null }>();
    for (const a of actions) for (const p of a.paneIds) outcomes.set(p, { ok: false, output: '', error: errorMessage(err) });
  }
  for (const action of actions) {
    const panes = action.paneIds.map((p) => ({ pane: p, result: outcomes.get(p) }));
    const failed = panes.find((p) => !p.result?.ok);
    if (failed) {
      const why = `scrollback capture failed (${failed.result?.error ?? 'no result'}); session kept so no output is lost`;
      ledger.record(action, 'failed', why);
      ledger.blocked.set(agentKey(action), why);
      continue;
    }
    const text = panes.length === 1 ? panes[0]!.result!.output : panes.map((p) => `=== pane ${p.pane} ===\n${p.result!.output}`).join('');
    captured.set(agentKey(action), {
      agentId: action.agentId,
      source: { kind: 'content', name: `${action.agentId}${SCROLLBACK_SUFFIX}`, label: `tmux:${action.session}`, text },
    });
  }
  return captured;
}

export interface ProcessSnapshot {
  table: ProcTable;
  guarded: Set<number>;
  /** Process-tree members per agent, as snapshotted before its session was killed. */
  members: Map<string, ProcInfo[]>;
  /** The panes of the sessions about to be killed ("<server pid>\0<pane id>"), by agent key. */
  panes: Map<string, string>;
  /** The pane pids of the sessions that stay. */
  staying: number[];
}

/** Step 2: one read of the process table; the trees under the panes of every session about to be killed. */
export async function processStep(ledger: Ledger, listing: TmuxState, opts: SessionStepOptions): Promise<ProcessSnapshot> {
  const kills = ledger.pending('kill-session');
  const members = new Map<string, ProcInfo[]>();
  const needTable = kills.length > 0 || ledger.pending('archive-file').length > 0 || ledger.pending('delete-prompt').length > 0;
  const table = needTable
    ? await withTimeout('process snapshot', opts.stepMs, () => readProcessTable(opts.tmuxMs))
    : new Map<number, ProcInfo>();
  const guarded = protectedPids(table, listing.serverPid);
  const panes = new Map<string, string>();
  if (kills.length === 0) return { table, guarded, members, panes, staying: [] };
  const children = childrenIndex(table);
  const paneEnv = paneEnvIndex(table);
  const killed = new Set(kills.map((k) => k.session));
  const staying = [...listing.sessions.values()].filter((s) => !killed.has(s.name)).flatMap((s) => s.panes.map((p) => p.panePid));
  const foreign = treePids(staying, children);
  for (const kill of kills) {
    const session = listing.sessions.get(kill.session);
    if (!session) continue;
    members.set(agentKey(kill), sessionProcesses(session, table, children, paneEnv, listing.serverPid, guarded, foreign).members);
    if (listing.serverPid) for (const pane of session.panes) panes.set(`${listing.serverPid}\0${pane.paneId}`, agentKey(kill));
  }
  return { table, guarded, members, panes, staying };
}

/** Step 3: kill each session by its `$id`, all in one tmux spawn. */
export async function killStep(ledger: Ledger, tmux: TmuxClient, opts: SessionStepOptions): Promise<void> {
  const kills = ledger.unblocked('kill-session');
  if (kills.length === 0) return;
  let outcomes;
  try {
    outcomes = await withTimeout('kill sessions', opts.stepMs, () =>
      killSessions(
        tmux,
        kills.map((k) => k.sessionId),
      ),
    );
  } catch (err) {
    outcomes = new Map(kills.map((k) => [k.sessionId, { ok: false, output: '', error: errorMessage(err) }]));
  }
  for (const kill of kills) {
    const outcome = outcomes.get(kill.sessionId);
    if (outcome?.ok) {
      ledger.record(kill, 'done', `killed ${kill.sessionId} (${kill.session})`);
    } else {
      const why = `kill-session ${kill.sessionId} failed: ${outcome?.error ?? 'no result'}`;
      ledger.record(kill, 'failed', why);
      ledger.blocked.set(agentKey(kill), `session ${kill.session} may still be alive`);
    }
  }
}

type SignalAction = ActionOf<'signal-processes'>;

/** The snapshotted members of these agents' sessions (or, for a session killed by an interrupted run, the remembered). */
function membersToSignal(actions: readonly SignalAction[], killed: ProcessSnapshot): Map<number, ProcInfo> {
  const all = new Map<number, ProcInfo>();
  for (const action of actions) {
    // A session killed by an interrupted run: its processes come from the intent journal, checked by start time.
    if (action.remembered.length && !killed.members.has(agentKey(action))) {
      killed.members.set(
        agentKey(action),
        action.remembered.map((r) => ({ pid: r.pid, ppid: 0, state: '?', start: r.start, argv: '', tmuxPane: null, tmuxEnv: null })),
      );
    }
    for (const proc of killed.members.get(agentKey(action)) ?? []) if (!killed.guarded.has(proc.pid)) all.set(proc.pid, proc);
  }
  return all;
}

/**
 * Stops the members, adds those forked since the snapshot (a second look at /proc, stopAndFindLate) to their agents,
 * then TERM (and CONT), grace, KILL for all of them.
 */
async function terminateMembers(
  actions: readonly SignalAction[],
  killed: ProcessSnapshot,
  opts: SessionStepOptions,
): Promise<TerminateResult & { late: ReadonlySet<number> }> {
  const all = membersToSignal(actions, killed);
  const keys = new Set(actions.map(agentKey));
  const owners = new Map<number, { start: string; owner: string }>();
  for (const key of keys) for (const proc of killed.members.get(key) ?? []) owners.set(proc.pid, { start: proc.start, owner: key });
  const panes = new Map([...killed.panes].filter(([, owner]) => keys.has(owner)));
  const stop = await stopAndFindLate(
    [...all.values()],
    { before: killed.table, owners, panes, guarded: killed.guarded, staying: killed.staying },
    opts.tmuxMs,
  );
  for (const [pid, { proc, owner }] of stop.late) {
    all.set(pid, proc);
    killed.members.set(owner, [...(killed.members.get(owner) ?? []), proc]);
  }
  const result = await terminateAll([...all.values()], opts.killGraceMs, opts.tmuxMs, stop.stopped);
  return { ...result, errors: [...stop.errors, ...result.errors], late: new Set(stop.late.keys()) };
}

/**
 * Step 4: TERM, grace, KILL for every member that outlived its session, and for what they forked after the snapshot,
 * all sessions at once so a sweep waits one grace period, not one per agent. Zombies and suspects are reported,
 * never signalled.
 */
export async function signalStep(ledger: Ledger, killed: ProcessSnapshot, opts: SessionStepOptions): Promise<void> {
  const actions = ledger.unblocked('signal-processes');
  let result;
  try {
    result = await withTimeout('terminate processes', 2 * opts.stepMs + opts.killGraceMs, () => terminateMembers(actions, killed, opts));
  } catch (err) {
    for (const action of actions) ledger.record(action, 'failed', errorMessage(err));
    return;
  }
  const signalled = new Set(result.signalled.map((p) => p.pid));
  const survivors = new Set(result.survivors.map((p) => p.pid));
  const zombies = new Map(result.zombies.map((p) => [p.pid, p]));
  for (const action of actions) {
    const members = killed.members.get(agentKey(action)) ?? [];
    const mine = members.filter((p) => signalled.has(p.pid));
    const left = members.filter((p) => survivors.has(p.pid));
    const late = members.filter((p) => result.late.has(p.pid));
    for (const proc of left) {
      ledger.orphans.push({
        kind: 'leftover-process',
        agentId: action.agentId,
        pid: proc.pid,
        argv: proc.argv,
        reason: `survived TERM and KILL after session ${action.session} was killed`,
      });
    }
    for (const proc of members) {
      const z = zombies.get(proc.pid);
      // Adopted by init, a zombie is reaped by it without anyone's help, and so is a pane's process by the tmux server
      // (or one of ours by us) a moment later: only another live parent that fails to reap is news.
      if (z && z.ppid > 1 && !killed.guarded.has(z.ppid))
        ledger.orphans.push({
          kind: 'zombie',
          agentId: action.agentId,
          pid: z.pid,
          ppid: z.ppid,
          reason: `exited but not reaped by its parent ${z.ppid}`,
        });
    }
    const forked = late.length
      ? `; ${late.length} started after the snapshot, found by a second look at /proc: ${late.map((p) => `${p.pid} (${p.argv.slice(0, 60)})`).join(', ')}`
      : '';
    const detail = `${plural(members.length, 'process', 'processes')} in the tree, ${mine.length} outlived the session and got TERM${mine.length ? `: ${mine.map((p) => p.pid).join(' ')}` : ''}${forked}`;
    const errors = result.errors.filter((e) => members.some((p) => p.pid === e.pid)).map((e) => e.message);
    if (left.length) errors.push(`still alive: ${left.map((p) => p.pid).join(' ')}`);
    if (errors.length) ledger.record(action, 'failed', `${detail}; ${errors.join('; ')}`);
    else ledger.record(action, 'done', detail);
  }
}

/** Step 7's report half: processes that name the agent in argv but are not its own. Never signalled. */
export function reportSuspects(ledger: Ledger, agents: ReadonlySet<string>, killed: ProcessSnapshot): void {
  if (killed.table.size === 0) return;
  const own = new Map<string, Set<number>>();
  for (const [key, procs] of killed.members) {
    const agentId = key.slice(key.indexOf('\0') + 1);
    const set = own.get(agentId) ?? new Set<number>();
    for (const p of procs) set.add(p.pid);
    own.set(agentId, set);
  }
  for (const [agentId, procs] of findSuspects([...agents], killed.table, own, killed.guarded)) {
    for (const proc of procs) {
      ledger.orphans.push({
        kind: 'suspect',
        agentId,
        pid: proc.pid,
        argv: proc.argv,
        reason: 'argv names the agent but it is not a process of its session; not killed',
      });
    }
  }
}
