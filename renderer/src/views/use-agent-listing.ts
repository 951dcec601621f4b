import { useMemo, useRef } from 'preact/hooks';
import type { AgentRow } from '../../../src/shared/index.js';
import { agentKey, filterAgents, groupByTask, verdictCounts, type AgentFilter } from '../lib/agent-list.js';
import type { AgentSort } from '../lib/agent-sort.js';
import { DEFAULT_TAB, listTab, tabCounts, tabOf, type AgentTab } from '../lib/agent-tabs.js';

export const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The rows a tab lists. Those it listed on the last reload stay while the tab, filters and search stay the same
 * (an agent cleaned while watched keeps its place, with its new verdict); changing any of them, or Refresh, lets go.
 */
function useTabRows(filtered: AgentRow[], tab: AgentTab, context: string): AgentRow[] {
  const last = useRef<{ context: string; keys: ReadonlySet<string> }>({ context: '', keys: NO_KEYS });
  return useMemo(() => {
    const held = last.current.context === context ? last.current.keys : NO_KEYS;
    const out = listTab(filtered, tab, held);
    last.current = { context, keys: tab === 'all' ? NO_KEYS : new Set(out.map(agentKey)) };
    return out;
  }, [filtered, tab, context]);
}

/**
 * What the Agents view lists, from its rows and its address: filtered, split into the tab (with its counts, the open
 * tab's being its list's length), grouped by task and sorted. A link to an agent without a tab opens the agent's own.
 */
export function useAgentListing(
  rows: readonly AgentRow[],
  o: {
    tabParam: AgentTab | null;
    filter: AgentFilter;
    sort: AgentSort;
    selectedId: string | null;
    collapsed: ReadonlySet<string>;
    expanded: ReadonlySet<string>;
    fresh: number;
  },
) {
  const { filter, sort } = o;
  const filtered = useMemo(
    () => filterAgents(rows, filter),
    [rows, filter.text, filter.verdict, filter.aliveOnly, filter.pinnedOnly, filter.task],
  );
  const linked = o.selectedId ? rows.find((r) => r.agentId === o.selectedId) : undefined;
  const tab = o.tabParam ?? (linked ? tabOf(linked.verdict) : DEFAULT_TAB);
  const listed = useTabRows(filtered, tab, JSON.stringify([tab, filter, o.fresh]));
  const counts = useMemo(() => ({ ...tabCounts(filtered), [tab]: listed.length }), [filtered, listed, tab]);
  const items = useMemo(() => groupByTask(listed, o.collapsed, o.expanded, sort), [listed, o.collapsed, o.expanded, sort.key, sort.dir]);
  const vCounts = useMemo(() => verdictCounts(rows), [rows]);
  return { filtered, tab, listed, counts, items, vCounts };
}
