import type { AgentRow } from '../../../src/shared/index.js';
import { compareValues, type Sort, type SortDir, type SortValue } from './sort.js';

/** The Agents view's sortable columns. Pure, so it is unit-tested under Node. */

export const AGENT_SORT_KEYS = ['task', 'agent', 'status', 'idle', 'size'] as const;
export type AgentSortKey = (typeof AGENT_SORT_KEYS)[number];
export type AgentSort = Sort<AgentSortKey>;

/** Newest task first (task names start with their creation time), as the list always was. */
export const DEFAULT_AGENT_SORT: AgentSort = { key: 'task', dir: 'desc' };

/** Sizes and idle times biggest first, names A to Z, tasks newest first. */
export function agentNaturalDir(key: AgentSortKey): SortDir {
  return key === 'size' || key === 'idle' || key === 'task' ? 'desc' : 'asc';
}

function valueOf(r: AgentRow, key: Exclude<AgentSortKey, 'task'>): SortValue {
  switch (key) {
    case 'agent':
      return r.agentId;
    case 'status':
      return r.status;
    case 'idle':
      return r.idleMinutes;
    case 'size':
      return r.bytes;
  }
}

const byId = (a: AgentRow, b: AgentRow) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);

/** The order of agents inside a task: by the sorted column, ties (and the task sort) by id. */
export function agentComparator(sort: AgentSort): (a: AgentRow, b: AgentRow) => number {
  const { key, dir } = sort;
  if (key === 'task') return byId;
  return (a, b) => compareValues(valueOf(a, key), valueOf(b, key), dir) || byId(a, b);
}

/**
 * The order of task groups. By task: their names. By any other column: their first agent under that column, so
 * the biggest (or idlest, …) agent of all heads the list, its task with it; ties newest task first.
 */
export function groupComparator(
  sort: AgentSort,
): (a: { task: string; taskDir: string; first: AgentRow }, b: { task: string; taskDir: string; first: AgentRow }) => number {
  const byName = (a: { task: string; taskDir: string }, b: { task: string; taskDir: string }, dir: SortDir) =>
    compareValues(a.task, b.task, dir) || compareValues(a.taskDir, b.taskDir, 'asc');
  if (sort.key === 'task') return (a, b) => byName(a, b, sort.dir);
  const agents = agentComparator(sort);
  return (a, b) => agents(a.first, b.first) || byName(a, b, 'desc');
}
