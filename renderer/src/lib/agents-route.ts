import { VerdictSchema, type Verdict } from '../../../src/shared/index.js';
import type { AgentFilter } from './agent-list.js';
import { AGENT_SORT_KEYS, DEFAULT_AGENT_SORT, type AgentSort } from './agent-sort.js';
import { isAgentTab, type AgentTab } from './agent-tabs.js';
import { sortFromParams } from './sort.js';

/**
 * The Agents view's state as its address holds it: `#/agents?tab=all&q=fixer&verdict=idle&alive=1&pinned=1&task=…
 * &sort=size&dir=desc`, and `#/agents/<agentId>` for the selected agent. Defaults are left out of the address.
 */
export interface AgentsRouteState {
  /** null: no tab in the address (Active, or the selected agent's own tab). */
  tab: AgentTab | null;
  filter: AgentFilter;
  sort: AgentSort;
}

export function agentsRouteState(params: Readonly<Record<string, string>>): AgentsRouteState {
  const verdict = VerdictSchema.safeParse(params.verdict);
  return {
    tab: isAgentTab(params.tab) ? params.tab : null,
    filter: {
      text: params.q ?? '',
      verdict: verdict.success ? (verdict.data satisfies Verdict) : '',
      aliveOnly: params.alive === '1',
      pinnedOnly: params.pinned === '1',
      task: params.task ?? null,
    },
    sort: sortFromParams(params, AGENT_SORT_KEYS, DEFAULT_AGENT_SORT),
  };
}

/** A flag's param: '1' when set, absent when not. */
export const flagParam = (on: boolean): string | null => (on ? '1' : null);
