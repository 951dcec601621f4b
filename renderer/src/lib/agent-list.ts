import type { AgentRow, Verdict } from '../../../src/shared/index.js';
import { detailLineCount } from './agent-details.js';
import { agentComparator, DEFAULT_AGENT_SORT, groupComparator, type AgentSort } from './agent-sort.js';

/** The Agents view's filters and its grouping into task sections. Pure, so it is unit-tested under Node. */

export interface AgentFilter {
  /** Matched case-insensitively against agent id, task and session. */
  text: string;
  verdict: Verdict | '';
  aliveOnly: boolean;
  pinnedOnly: boolean;
  /** Exact task name (from a `#/agents?task=…` link), or null for every task. */
  task: string | null;
}

export const EMPTY_FILTER: AgentFilter = { text: '', verdict: '', aliveOnly: false, pinnedOnly: false, task: null };

export function filterAgents(rows: readonly AgentRow[], f: AgentFilter): AgentRow[] {
  const needle = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.verdict === '' || r.verdict === f.verdict) &&
      (!f.aliveOnly || r.sessionAlive) &&
      (!f.pinnedOnly || r.pinned) &&
      (f.task === null || r.task === f.task) &&
      (needle === '' ||
        r.agentId.toLowerCase().includes(needle) ||
        r.task.toLowerCase().includes(needle) ||
        (r.session !== null && r.session.toLowerCase().includes(needle))),
  );
}

export interface TaskHeader {
  kind: 'task';
  task: string;
  taskDir: string;
  root: string;
  agents: number;
  alive: number;
  /** Agents whose verdict means a sweep would clean them now. */
  cleanable: number;
  /** Finished agents whose processes still run, left to exit on their own until their finish grace ends. */
  finishing: number;
  bytes: number;
  collapsed: boolean;
}

export interface AgentItem {
  kind: 'agent';
  row: AgentRow;
}

/** An expanded agent's details, right under its row: `lines` of a fixed height each. */
export interface AgentDetailsItem {
  kind: 'details';
  row: AgentRow;
  lines: number;
}

export type AgentListItem = TaskHeader | AgentItem | AgentDetailsItem;

const CLEANABLE: ReadonlySet<Verdict> = new Set(['finished', 'idle', 'ghost']);

/** A sweep would clean an agent with this verdict now. */
export function isCleanable(v: Verdict): boolean {
  return CLEANABLE.has(v);
}

/**
 * "Clean now" on a task or every task cleans these: what a sweep would, and finishing agents too, since it acts at
 * once instead of waiting out their finish grace.
 */
export function cleanedByCleanNow(v: Verdict): boolean {
  return CLEANABLE.has(v) || v === 'finishing';
}

/** An agent's key in the list (ids are unique per task, not across roots). */
export function agentKey(row: Pick<AgentRow, 'taskDir' | 'agentId'>): string {
  return `${row.taskDir}\0${row.agentId}`;
}

/**
 * One flat list for the virtualized table: a header per task, then its agents, each expanded one (by `agentKey`)
 * followed by its details. A collapsed task keeps its header and hides its agents. By default the newest task comes
 * first (task names start with their creation time) and agents go by id; `sort` orders by another column
 * (agent-sort.ts).
 */
export function groupByTask(
  rows: readonly AgentRow[],
  collapsed: ReadonlySet<string> = new Set(),
  expanded: ReadonlySet<string> = new Set(),
  sort: AgentSort = DEFAULT_AGENT_SORT,
): AgentListItem[] {
  const groups = new Map<string, AgentRow[]>();
  for (const r of rows) {
    const g = groups.get(r.taskDir);
    if (g) g.push(r);
    else groups.set(r.taskDir, [r]);
  }
  const byAgent = agentComparator(sort);
  const tasks = [...groups.entries()].map(([taskDir, agents]) => {
    agents.sort(byAgent);
    return { taskDir, task: agents[0]!.task, first: agents[0]!, agents };
  });
  tasks.sort(groupComparator(sort));
  const out: AgentListItem[] = [];
  for (const { taskDir, agents, first } of tasks) {
    const isCollapsed = collapsed.has(taskDir);
    out.push({
      kind: 'task',
      task: first.task,
      taskDir,
      root: first.root,
      agents: agents.length,
      alive: agents.filter((a) => a.sessionAlive).length,
      cleanable: agents.filter((a) => isCleanable(a.verdict)).length,
      finishing: agents.filter((a) => a.verdict === 'finishing').length,
      bytes: agents.reduce((n, a) => n + a.bytes, 0),
      collapsed: isCollapsed,
    });
    if (isCollapsed) continue;
    for (const row of agents) {
      out.push({ kind: 'agent', row });
      if (expanded.size > 0 && expanded.has(agentKey(row))) out.push({ kind: 'details', row, lines: detailLineCount(row) });
    }
  }
  return out;
}

/** How many agents have each verdict, for the verdict filter's options. */
export function verdictCounts(rows: readonly AgentRow[]): Map<Verdict, number> {
  const m = new Map<Verdict, number>();
  for (const r of rows) m.set(r.verdict, (m.get(r.verdict) ?? 0) + 1);
  return m;
}
