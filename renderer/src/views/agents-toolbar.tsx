import { VerdictSchema, type Verdict } from '../../../src/shared/index.js';
import type { AgentFilter } from '../lib/agent-list.js';
import { AGENT_TABS, TAB_HINTS, TAB_LABELS, type AgentTab } from '../lib/agent-tabs.js';

/** The filters of the Agents view; every one is in the address (agents-route.ts). */
export function AgentsFilters(props: {
  text: string;
  onText: (t: string) => void;
  filter: AgentFilter;
  verdictCounts: ReadonlyMap<Verdict, number>;
  onFilter: (patch: { verdict?: Verdict | ''; aliveOnly?: boolean; pinnedOnly?: boolean; task?: null }) => void;
}) {
  const { filter } = props;
  return (
    <>
      <label class="field-inline">
        <span class="sr-only">Search agents</span>
        <input
          type="search"
          placeholder="Search id, task, session"
          value={props.text}
          onInput={(e) => props.onText(e.currentTarget.value)}
          data-testid="agents-search"
        />
      </label>
      <label class="field-inline">
        Verdict
        <select
          value={filter.verdict}
          onChange={(e) => props.onFilter({ verdict: e.currentTarget.value as Verdict | '' })}
          data-testid="agents-verdict"
        >
          <option value="">all</option>
          {VerdictSchema.options.map((v) => (
            <option key={v} value={v}>
              {v} ({props.verdictCounts.get(v) ?? 0})
            </option>
          ))}
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={filter.aliveOnly}
          onChange={(e) => props.onFilter({ aliveOnly: e.currentTarget.checked })}
          data-testid="agents-alive-only"
        />
        alive only
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={filter.pinnedOnly}
          onChange={(e) => props.onFilter({ pinnedOnly: e.currentTarget.checked })}
          data-testid="agents-pinned-only"
        />
        pinned only
      </label>
      {filter.task ? (
        <span class="chip" data-testid="agents-task-filter">
          task <span class="mono">{filter.task}</span>
          <button type="button" class="icon-button" aria-label="Show every task" onClick={() => props.onFilter({ task: null })}>
            ×
          </button>
        </span>
      ) : null}
    </>
  );
}

/**
 * Active / Finishing / Cleaned / All, each with how many agents it lists under the search and filters above: the
 * count of the open tab is its list's length (rows that moved on while watched included, see listTab).
 */
export function AgentTabs(props: { tab: AgentTab; counts: Record<AgentTab, number>; onTab: (t: AgentTab) => void }) {
  return (
    <div class="tabs" role="tablist" aria-label="Which agents">
      {AGENT_TABS.map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={t === props.tab}
          aria-controls="agents-table"
          class={t === props.tab ? 'tab active' : 'tab'}
          title={TAB_HINTS[t]}
          onClick={() => props.onTab(t)}
          data-testid={`agents-tab-${t}`}
        >
          {TAB_LABELS[t]}
          <span class="tab-count" data-testid={`agents-tab-count-${t}`}>
            {props.counts[t].toLocaleString('en-US')}
          </span>
        </button>
      ))}
    </div>
  );
}

/** What selecting rows is for: pin or unpin them all, after a confirm that names them. */
export function BulkBar(props: { selected: number; onPin: (pinned: boolean) => void; onClear: () => void }) {
  const none = props.selected === 0;
  return (
    <div class="bulk-bar" role="group" aria-label="Selected agents">
      <span class="muted" data-testid="agents-selected-count">
        {none ? 'Select agents to pin or unpin them together' : `${props.selected.toLocaleString('en-US')} selected`}
      </span>
      <button type="button" class="small" disabled={none} onClick={() => props.onPin(true)} data-testid="agents-pin-selected">
        Pin selected…
      </button>
      <button type="button" class="small" disabled={none} onClick={() => props.onPin(false)} data-testid="agents-unpin-selected">
        Unpin selected…
      </button>
      <button type="button" class="small" disabled={none} onClick={props.onClear} data-testid="agents-select-none">
        Clear selection
      </button>
    </div>
  );
}
