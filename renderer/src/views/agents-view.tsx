import { useContext, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentRow, CleanTarget } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { Notice } from '../components/badges.js';
import { CleanDialog } from '../components/clean-dialog.js';
import { VirtualList } from '../components/virtual-list.js';
import { agentKey, type AgentFilter, type AgentListItem } from '../lib/agent-list.js';
import { DEFAULT_AGENT_SORT, type AgentSort } from '../lib/agent-sort.js';
import { DEFAULT_TAB, inTab, TAB_LABELS, type AgentTab } from '../lib/agent-tabs.js';
import { agentsRouteState, flagParam } from '../lib/agents-route.js';
import { formatBytes, plural } from '../lib/format.js';
import { useLoader, useRefreshOn, useToggleSet } from '../lib/hooks.js';
import { useUrlText, useViewRoute } from '../lib/route-hooks.js';
import { sortParams } from '../lib/sort.js';
import { AgentDetailsView, DETAILS_LINE_PX, DETAILS_PAD_PX } from './agent-details-view.js';
import { AgentLogPanel } from './agent-log-panel.js';
import { AgentRowView, TaskRowView } from './agent-rows.js';
import { AgentsHead } from './agents-head.js';
import { AgentsFilters, AgentTabs, BulkBar } from './agents-toolbar.js';
import { BulkPinDialog } from './bulk-pin-dialog.js';
import { NO_KEYS, useAgentListing } from './use-agent-listing.js';
import { useAgentPins } from './use-agent-pins.js';

const TASK_ROW_PX = 34;
const AGENT_ROW_PX = 32;

function itemKey(item: AgentListItem): string {
  return item.kind === 'task' ? `t:${item.taskDir}` : `${item.kind === 'agent' ? 'a' : 'd'}:${item.row.taskDir}:${item.row.agentId}`;
}

function itemSize(item: AgentListItem): number {
  return item.kind === 'task' ? TASK_ROW_PX : item.kind === 'agent' ? AGENT_ROW_PX : DETAILS_PAD_PX + DETAILS_LINE_PX * item.lines;
}

/** Finishing agents a clean of `target` would stop without waiting out their finish grace. */
function finishingIn(rows: readonly AgentRow[], target: CleanTarget): AgentRow[] {
  return rows.filter(
    (r) => r.verdict === 'finishing' && r.taskDir === target.taskDir && (target.agentId === undefined || r.agentId === target.agentId),
  );
}

export function AgentsView() {
  const { api } = useContext(AppContext);
  const { route, update } = useViewRoute();
  const agents = useLoader(() => api.listAgents({}), []);
  // A real clean (CleanDialog) emits these too, so closing the dialog needs no reload of its own.
  useRefreshOn(['sweep', 'action', 'finishing'], agents.reload);
  const pins = useAgentPins(agents.data, agents.reload);
  const rows = pins.rows;

  const { tab: tabParam, filter, sort } = agentsRouteState(route.params);
  const [text, setText] = useUrlText(filter.text, (q) => update({ params: { q }, replace: true }));
  const [collapsed, toggleTask] = useToggleSet();
  const [expanded, toggleAgent] = useToggleSet();
  const [fresh, setFresh] = useState(0);
  const [checked, setChecked] = useState<ReadonlySet<string>>(NO_KEYS);
  const [bulk, setBulk] = useState<{ pinned: boolean; busy: boolean; rows: AgentRow[] } | null>(null);
  const [cleanTarget, setCleanTarget] = useState<CleanTarget | null>(null);
  const [logAgent, setLogAgent] = useState<AgentRow | null>(null);
  // The agent this view selected itself (a click): it is already in sight, so it is not scrolled to again.
  const clicked = useRef<string | null>(null);

  const { filtered, tab, listed, counts, items, vCounts } = useAgentListing(rows, {
    tabParam,
    filter,
    sort,
    selectedId: route.id,
    collapsed,
    expanded,
    fresh,
  });
  const selectedRows = useMemo(() => (checked.size === 0 ? [] : listed.filter((r) => checked.has(agentKey(r)))), [listed, checked]);
  const selectedIndex = route.id ? items.findIndex((i) => i.kind === 'agent' && i.row.agentId === route.id) : -1;
  const scrollKey = route.id !== null && route.id !== clicked.current ? route.id : null;

  const setFilter = (patch: Partial<Pick<AgentFilter, 'verdict' | 'aliveOnly' | 'pinnedOnly'>> & { task?: null }) =>
    update({
      params: {
        ...(patch.verdict !== undefined ? { verdict: patch.verdict } : {}),
        ...(patch.aliveOnly !== undefined ? { alive: flagParam(patch.aliveOnly) } : {}),
        ...(patch.pinnedOnly !== undefined ? { pinned: flagParam(patch.pinnedOnly) } : {}),
        ...('task' in patch ? { task: null } : {}),
      },
    });
  const setTab = (t: AgentTab) => update({ params: { tab: t === DEFAULT_TAB ? null : t } });
  const setSort = (s: AgentSort) => update({ params: sortParams(s, DEFAULT_AGENT_SORT) });
  const check = (row: AgentRow, on: boolean) =>
    setChecked((cur) => {
      const next = new Set(cur);
      if (on) next.add(agentKey(row));
      else next.delete(agentKey(row));
      return next;
    });
  const select = (row: AgentRow) => {
    clicked.current = row.agentId;
    toggleAgent(agentKey(row));
    update({ id: row.agentId, replace: true });
  };
  const runBulk = (ids: string[]) => {
    if (!bulk) return;
    setBulk({ ...bulk, busy: true });
    void pins.setPinned(ids, bulk.pinned).then((ok) => {
      setBulk(null);
      if (ok) setChecked(NO_KEYS);
    });
  };

  const render = (item: AgentListItem) =>
    item.kind === 'task' ? (
      <TaskRowView item={item} onToggle={() => toggleTask(item.taskDir)} onClean={() => setCleanTarget({ taskDir: item.taskDir })} />
    ) : item.kind === 'details' ? (
      <AgentDetailsView row={item.row} />
    ) : (
      <AgentRowView
        row={item.row}
        selected={item.row.agentId === route.id}
        checked={checked.has(agentKey(item.row))}
        onCheck={(on) => check(item.row, on)}
        moved={!inTab(item.row.verdict, tab)}
        expanded={expanded.has(agentKey(item.row))}
        onToggle={() => select(item.row)}
        logOpen={logAgent?.agentId === item.row.agentId && logAgent.taskDir === item.row.taskDir}
        onClean={() => setCleanTarget({ taskDir: item.row.taskDir, agentId: item.row.agentId })}
        onPin={(p) => void pins.setPinned([item.row.agentId], p)}
        onLogs={() => setLogAgent(item.row)}
      />
    );

  return (
    <section class="view view-agents" aria-labelledby="agents-title">
      <div class="toolbar">
        <h1 id="agents-title">Agents</h1>
        <AgentsFilters text={text} onText={setText} filter={filter} verdictCounts={vCounts} onFilter={setFilter} />
        <div class="spacer" />
        <span class="muted" data-testid="agents-count">
          {agents.data
            ? `${plural(listed.length, 'agent')} of ${rows.length.toLocaleString('en-US')} · ${formatBytes(listed.reduce((n, r) => n + r.bytes, 0))}`
            : ''}
        </span>
        <button
          type="button"
          onClick={() => {
            setFresh((n) => n + 1);
            agents.reload();
          }}
          disabled={agents.loading}
          data-testid="agents-refresh"
        >
          Refresh
        </button>
      </div>
      <div class="toolbar">
        <AgentTabs tab={tab} counts={counts} onTab={setTab} />
        <div class="spacer" />
        <BulkBar
          selected={selectedRows.length}
          onPin={(pinned) => setBulk({ pinned, busy: false, rows: selectedRows })}
          onClear={() => setChecked(NO_KEYS)}
        />
      </div>
      {agents.error ? (
        <Notice kind="error" testId="agents-error">
          {agents.error}
        </Notice>
      ) : null}
      {pins.outcome ? (
        <Notice kind={pins.outcome.ok ? 'ok' : 'error'} testId={pins.outcome.ok ? 'agents-bulk-result' : 'agents-action-error'}>
          {pins.outcome.text}
        </Notice>
      ) : null}
      <div class="table agents-table" role="table" aria-label="Agents by task" id="agents-table">
        <AgentsHead
          sort={sort}
          onSort={setSort}
          selected={selectedRows.length}
          listed={listed.length}
          onSelectAll={(all) => setChecked(all ? new Set(listed.map(agentKey)) : NO_KEYS)}
        />
        {agents.data && items.length === 0 ? (
          <p class="empty" data-testid="agents-empty">
            {rows.length === 0
              ? 'No agents: no registry under the configured roots names one.'
              : filtered.length > 0
                ? `No agent here: ${TAB_LABELS[tab]} lists none of these. All has ${plural(filtered.length, 'agent')}.`
                : 'No agent matches these filters.'}
          </p>
        ) : (
          <VirtualList
            items={items}
            itemSize={itemSize}
            itemKey={itemKey}
            render={render}
            testId="agents-list"
            label="Agents"
            scrollTo={scrollKey !== null && selectedIndex >= 0 ? { index: selectedIndex, key: scrollKey } : null}
          />
        )}
      </div>
      {logAgent ? <AgentLogPanel agent={logAgent} onClose={() => setLogAgent(null)} /> : null}
      {cleanTarget ? (
        <CleanDialog target={cleanTarget} finishing={finishingIn(rows, cleanTarget)} onClose={() => setCleanTarget(null)} />
      ) : null}
      {bulk ? (
        <BulkPinDialog rows={bulk.rows} pinned={bulk.pinned} busy={bulk.busy} onConfirm={runBulk} onCancel={() => setBulk(null)} />
      ) : null}
    </section>
  );
}
