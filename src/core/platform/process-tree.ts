import { escapeRegExp } from '../base/guards.js';
import type { TmuxSession } from './tmux-listing.js';
import type { ProcInfo, ProcTable } from './proc-table.js';

/** PIDs the janitor must never signal: init, itself and its ancestors (it may run inside a pane), the tmux server. */
export function protectedPids(table: ProcTable, serverPid: number | null): Set<number> {
  const guarded = new Set<number>([0, 1, process.pid]);
  if (serverPid) guarded.add(serverPid);
  let cursor = table.get(process.pid)?.ppid ?? process.ppid;
  for (let hops = 0; cursor > 1 && hops < 512 && !guarded.has(cursor); hops++) {
    guarded.add(cursor);
    cursor = table.get(cursor)?.ppid ?? 0;
  }
  return guarded;
}

/** Processes that carry a pane identity in their environment, keyed by "<server pid>\0<pane id>". */
export type PaneEnvIndex = Map<string, ProcInfo[]>;

export function paneEnvIndex(table: ProcTable): PaneEnvIndex {
  const index: PaneEnvIndex = new Map();
  for (const proc of table.values()) {
    if (!proc.tmuxPane || !proc.tmuxEnv) continue;
    const key = `${proc.tmuxEnv.split(',')[1]}\0${proc.tmuxPane}`;
    const list = index.get(key);
    if (list) list.push(proc);
    else index.set(key, [proc]);
  }
  return index;
}

export function childrenIndex(table: ProcTable): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const proc of table.values()) {
    const list = children.get(proc.ppid);
    if (list) list.push(proc.pid);
    else children.set(proc.ppid, [proc.pid]);
  }
  return children;
}

export interface SessionProcesses {
  /** Every process to make sure is dead once the session is gone, pane processes first. */
  members: ProcInfo[];
  /** Members found through the pane's environment rather than by parentage (setsid + double fork escapes). */
  escaped: Set<number>;
}

/**
 * The processes of a session: the descendants of its pane PIDs, plus any process whose environment says it was
 * started in one of its panes on this very server. The latter catches daemonised children whose parent died, which
 * parentage alone loses; both are identities, not name matches.
 */
/** Every pid in the trees under these roots (the roots included). */
export function treePids(roots: Iterable<number>, children: Map<number, number[]>): Set<number> {
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return seen;
}

/**
 * `foreign`: the processes in the trees of live sessions that are not being killed. A process found only by its
 * environment (it carries this session's TMUX_PANE) is never a member if it lives in such a tree: it was started
 * there, whatever it inherited.
 */
export function sessionProcesses(
  session: TmuxSession,
  table: ProcTable,
  children: Map<number, number[]>,
  paneEnv: PaneEnvIndex,
  serverPid: number | null,
  guarded: ReadonlySet<number>,
  foreign: ReadonlySet<number> = new Set(),
): SessionProcesses {
  const seen = new Set<number>();
  const members: ProcInfo[] = [];
  const queue = session.panes.map((p) => p.panePid);
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const proc = table.get(pid);
    if (!proc) continue;
    if (!guarded.has(pid)) members.push(proc);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  const escaped = new Set<number>();
  if (serverPid) {
    for (const pane of session.panes) {
      for (const proc of paneEnv.get(`${serverPid}\0${pane.paneId}`) ?? []) {
        if (seen.has(proc.pid) || guarded.has(proc.pid) || foreign.has(proc.pid)) continue;
        seen.add(proc.pid);
        escaped.add(proc.pid);
        members.push(proc);
      }
    }
  }
  return { members, escaped };
}

/**
 * Processes whose argv names one of the agents (as a whole word, see argvNamesAgent) but that are not their own:
 * reported, never signalled. One pass over the table with one alternation, not one scan per agent.
 */
export function findSuspects(
  agentIds: readonly string[],
  table: ProcTable,
  own: ReadonlyMap<string, ReadonlySet<number>>,
  guarded: ReadonlySet<number>,
): Map<string, ProcInfo[]> {
  const found = new Map<string, ProcInfo[]>();
  if (agentIds.length === 0) return found;
  const alternation = [...agentIds]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const pattern = new RegExp(`(?<![A-Za-z0-9])(?:${alternation})(?![A-Za-z0-9])`, 'g');
  for (const proc of table.values()) {
    if (guarded.has(proc.pid) || proc.state === 'Z' || proc.argv === '') continue;
    const named = new Set(proc.argv.match(pattern) ?? []);
    for (const agentId of named) {
      if (own.get(agentId)?.has(proc.pid)) continue;
      const list = found.get(agentId);
      if (list) list.push(proc);
      else found.set(agentId, [proc]);
    }
  }
  return found;
}

/** What the second look at /proc needs to know of the first one, and of what it found. */
export interface LateSearch {
  /** The table of the first look: a process it held that was no member is nobody's to kill now either. */
  before: ProcTable;
  /** Each member found so far, by pid: its start time and whose it is (an agent's key). */
  owners: Map<number, { start: string; owner: string }>;
  /** The killed panes, as "<server pid>\0<pane id>", and whose they were. */
  panes: ReadonlyMap<string, string>;
  guarded: ReadonlySet<number>;
  /** The pane pids of the sessions that stay. */
  staying: readonly number[];
}

const MAX_HOPS = 512;

/** The member whose descendant `proc` is, through the parents in `table` (each checked by its start time). */
function ownerByParentage(proc: ProcInfo, table: ProcTable, owners: LateSearch['owners']): string | null {
  let cursor = proc.ppid;
  for (let hops = 0; cursor > 1 && hops < MAX_HOPS; hops++) {
    const parent = table.get(cursor);
    if (!parent) return null;
    const known = owners.get(cursor);
    if (known) return known.start === parent.start ? known.owner : null;
    cursor = parent.ppid;
  }
  return null;
}

/**
 * Processes that appeared after the first look and belong to a killed session: a descendant of one of its members,
 * or a process carrying one of its panes in its environment, outside the trees of the sessions that stay. Same
 * identities as sessionProcesses, never names. Returns them with their owner's key.
 */
export function lateMembers(table: ProcTable, search: LateSearch): Map<number, { proc: ProcInfo; owner: string }> {
  const found = new Map<number, { proc: ProcInfo; owner: string }>();
  const foreign = treePids(search.staying, childrenIndex(table));
  for (const proc of table.values()) {
    if (search.guarded.has(proc.pid) || foreign.has(proc.pid) || proc.state === 'Z' || proc.state === 'X') continue;
    if (search.owners.get(proc.pid)?.start === proc.start || search.before.get(proc.pid)?.start === proc.start) continue;
    const byPane = proc.tmuxPane && proc.tmuxEnv ? search.panes.get(`${proc.tmuxEnv.split(',')[1]}\0${proc.tmuxPane}`) : undefined;
    const owner = byPane ?? ownerByParentage(proc, table, search.owners);
    if (owner !== null) found.set(proc.pid, { proc, owner });
  }
  return found;
}
