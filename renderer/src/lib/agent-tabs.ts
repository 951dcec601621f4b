import type { AgentRow, Verdict } from '../../../src/shared/index.js';
import { agentKey } from './agent-list.js';

/**
 * The Agents view's tabs, like a container list's "running" filter: live agents by default. The three tabs besides
 * All split every verdict between them, so their counts add up to All's.
 */

export const AGENT_TABS = ['active', 'finishing', 'cleaned', 'all'] as const;
export type AgentTab = (typeof AGENT_TABS)[number];
export const DEFAULT_TAB: AgentTab = 'active';

export const TAB_LABELS: Record<AgentTab, string> = { active: 'Active', finishing: 'Finishing', cleaned: 'Cleaned', all: 'All' };

export const TAB_HINTS: Record<AgentTab, string> = {
  active: 'Not finished: working, idle, pinned, session missing, ghost (and entries that failed validation)',
  finishing: 'Finished: waiting out their finish grace, or left for the next sweep to clean',
  cleaned: 'Finished and cleaned: nothing left but their archive',
  all: 'Every agent the registries and databases name',
};

/** The tab an agent's verdict puts it in. An invalid entry is not known to be finished, so it stays in sight. */
export function tabOf(v: Verdict): Exclude<AgentTab, 'all'> {
  if (v === 'clean') return 'cleaned';
  if (v === 'finished' || v === 'finishing') return 'finishing';
  return 'active';
}

export function isAgentTab(s: string | undefined): s is AgentTab {
  return (AGENT_TABS as readonly string[]).includes(s ?? '');
}

export function inTab(v: Verdict, tab: AgentTab): boolean {
  return tab === 'all' || tabOf(v) === tab;
}

/** How many of `rows` (already searched and filtered) each tab lists. */
export function tabCounts(rows: readonly AgentRow[]): Record<AgentTab, number> {
  const c: Record<AgentTab, number> = { active: 0, finishing: 0, cleaned: 0, all: rows.length };
  for (const r of rows) c[tabOf(r.verdict)]++;
  return c;
}

/**
 * The rows a tab lists: those whose verdict belongs there, and those in `held` (listed here a moment ago, moved on
 * since, e.g. cleaned while the user watched), so a row does not vanish from under the pointer. The tab's count is
 * this list's length, so it always says what the tab shows.
 */
export function listTab(rows: readonly AgentRow[], tab: AgentTab, held: ReadonlySet<string>): AgentRow[] {
  if (tab === 'all') return rows as AgentRow[];
  return rows.filter((r) => inTab(r.verdict, tab) || (held.size > 0 && held.has(agentKey(r))));
}
