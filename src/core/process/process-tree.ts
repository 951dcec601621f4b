import { argvNamesAgent } from '../guards.js';
import type { TmuxSession } from '../tmux/tmux-listing.js';
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
export function sessionProcesses(
  session: TmuxSession,
  table: ProcTable,
  children: Map<number, number[]>,
  serverPid: number | null,
  guarded: ReadonlySet<number>,
): SessionProcesses {
  const seen = new Set<number>();
  const members: ProcInfo[] = [];
  const queue = session.panes.map((p) => p.panePid);
  while (queue.length) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const proc = table.get(pid);
    if (!proc) continue;
    if (!guarded.has(pid)) members.push(proc);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  const escaped = new Set<number>();
  if (serverPid) {
    const panes = new Set(session.panes.map((p) => p.paneId));
    for (const proc of table.values()) {
      if (seen.has(proc.pid) || guarded.has(proc.pid) || !proc.tmuxPane || !panes.has(proc.tmuxPane)) continue;
      if (proc.tmuxEnv?.split(',')[1] !== String(serverPid)) continue;
      escaped.add(proc.pid);
      members.push(proc);
    }
  }
  return { members, escaped };
}

/** Processes whose argv names the agent but that are not its own: reported, never signalled. */
export function findSuspects(agentId: string, table: ProcTable, members: ReadonlySet<number>, guarded: ReadonlySet<number>): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const proc of table.values()) {
    if (members.has(proc.pid) || guarded.has(proc.pid) || proc.state === 'Z') continue;
    if (argvNamesAgent(proc.argv, agentId)) out.push(proc);
  }
  return out;
}
