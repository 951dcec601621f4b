import { agentNaturalDir, type AgentSort, type AgentSortKey } from '../lib/agent-sort.js';
import { ariaSort, nextSort, sortMark } from '../lib/sort.js';

const LABELS: Record<AgentSortKey, string> = { task: 'Task', agent: 'Agent', status: 'Status', idle: 'Idle', size: 'Size' };
const TITLES: Record<AgentSortKey, string> = {
  task: 'Sort by task: newest first, then oldest first',
  agent: 'Sort by agent id',
  status: 'Sort by status',
  idle: 'Sort by idle time: idlest first, then least idle',
  size: 'Sort by size: biggest first, then smallest',
};

function SortButton({ sort, sortKey, onSort }: { sort: AgentSort; sortKey: AgentSortKey; onSort: (s: AgentSort) => void }) {
  return (
    <button
      type="button"
      class={sort.key === sortKey ? 'sort-button sorted' : 'sort-button'}
      title={TITLES[sortKey]}
      onClick={() => onSort(nextSort(sort, sortKey, agentNaturalDir))}
      data-testid={`agents-sort-${sortKey}`}
    >
      {LABELS[sortKey]}
      {sortMark(sort, sortKey)}
    </button>
  );
}

/**
 * The Agents table's header: sortable columns (aria-sort on each), and a checkbox selecting every agent the tab
 * lists. The first column sorts by task or by agent id; its aria-sort follows whichever of the two is on.
 */
export function AgentsHead(props: {
  sort: AgentSort;
  onSort: (s: AgentSort) => void;
  selected: number;
  listed: number;
  onSelectAll: (all: boolean) => void;
}) {
  const { sort, onSort } = props;
  const all = props.listed > 0 && props.selected === props.listed;
  const first = sort.key === 'task' || sort.key === 'agent' ? ariaSort(sort, sort.key) : 'none';
  return (
    <div class="table-head agent-cols" role="row">
      <span role="columnheader" class="agent-head" aria-sort={first}>
        <input
          type="checkbox"
          class="row-select"
          checked={all}
          indeterminate={props.selected > 0 && !all}
          disabled={props.listed === 0}
          aria-label={all ? 'Select none' : `Select all ${props.listed} listed agents`}
          title="Select every agent this tab lists"
          onChange={(e) => props.onSelectAll(e.currentTarget.checked)}
          data-testid="agents-select-all"
        />
        <SortButton sort={sort} sortKey="task" onSort={onSort} />
        <span aria-hidden="true">/</span>
        <SortButton sort={sort} sortKey="agent" onSort={onSort} />
      </span>
      <span role="columnheader" class="col-status" aria-sort={ariaSort(sort, 'status')}>
        <SortButton sort={sort} sortKey="status" onSort={onSort} />
      </span>
      <span role="columnheader">Verdict and reason</span>
      <span role="columnheader">Session</span>
      <span role="columnheader" class="num col-idle" aria-sort={ariaSort(sort, 'idle')}>
        <SortButton sort={sort} sortKey="idle" onSort={onSort} />
      </span>
      <span role="columnheader" class="num col-files">
        Files
      </span>
      <span role="columnheader" class="num" aria-sort={ariaSort(sort, 'size')}>
        <SortButton sort={sort} sortKey="size" onSort={onSort} />
      </span>
      <span role="columnheader" class="col-pinned">
        Pinned
      </span>
      <span role="columnheader" class="actions-col">
        Actions
      </span>
    </div>
  );
}
