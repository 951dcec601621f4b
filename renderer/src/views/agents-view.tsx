import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { VerdictSchema, type AgentRow, type CleanTarget, type Verdict } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { CleanDialog } from '../components/clean-dialog.js';
import { VirtualList } from '../components/virtual-list.js';
import { agentKey, filterAgents, groupByTask, verdictCounts, type AgentFilter, type AgentListItem } from '../lib/agent-list.js';
import { formatBytes, plural } from '../lib/format.js';
import { useDebounced, useLoader, useRefreshOn, useToggleSet } from '../lib/hooks.js';
import { formatHash } from '../lib/route.js';
import { AgentDetailsView, DETAILS_LINE_PX, DETAILS_PAD_PX } from './agent-details-view.js';
import { AgentLogPanel } from './agent-log-panel.js';
import { AgentRowView, TaskRowView } from './agent-rows.js';

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
  return rows.filter((r) => r.verdict === 'finishing' && r.taskDir === target.taskDir && (target.agentId === undefined || r.agentId === target.agentId));
}

export function AgentsView() {
  const { api, route, navigate } = useContext(AppContext);
  const agents = useLoader(() => api.listAgents({}), []);
  // A real clean (CleanDialog) emits these too, so closing the dialog needs no reload of its own.
  useRefreshOn(['sweep', 'action', 'finishing'], agents.reload);

  const [text, setText] = useState(route.params.q ?? '');
  const [verdict, setVerdict] = useState<Verdict | ''>('');
  const [aliveOnly, setAliveOnly] = useState(false);
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [collapsed, toggleTask] = useToggleSet();
  const [expanded, toggleAgent] = useToggleSet();
  const [cleanTarget, setCleanTarget] = useState<CleanTarget | null>(null);
  const [logAgent, setLogAgent] = useState<AgentRow | null>(null);
  const [pinOverrides, setPinOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [actionError, setActionError] = useState<string | null>(null);
  const debouncedText = useDebounced(text, 150);
  const task = route.params.task ?? null;

  // A pin shows at once; a listing that agrees with it (the engine saved it) retires the override.
  useEffect(() => {
    const data = agents.data;
    if (!data) return;
    setPinOverrides((cur) => {
      if (cur.size === 0) return cur;
      const next = new Map(cur);
      for (const r of data) if (next.get(r.agentId) === r.pinned) next.delete(r.agentId);
      return next.size === cur.size ? cur : next;
    });
  }, [agents.data]);
  const rows = useMemo(() => {
    const all = agents.data ?? [];
    if (pinOverrides.size === 0) return all;
    return all.map((r) => (pinOverrides.has(r.agentId) ? { ...r, pinned: pinOverrides.get(r.agentId)! } : r));
  }, [agents.data, pinOverrides]);
  const filter: AgentFilter = { text: debouncedText, verdict, aliveOnly, pinnedOnly, task };
  const filtered = useMemo(() => filterAgents(rows, filter), [rows, debouncedText, verdict, aliveOnly, pinnedOnly, task]);
  const items = useMemo(() => groupByTask(filtered, collapsed, expanded), [filtered, collapsed, expanded]);
  const counts = useMemo(() => verdictCounts(rows), [rows]);
  const selectedIndex = route.id ? items.findIndex((i) => i.kind === 'agent' && i.row.agentId === route.id) : -1;

  const setPinned = (row: AgentRow, pinned: boolean) => {
    setActionError(null);
    setPinOverrides((cur) => new Map(cur).set(row.agentId, pinned));
    api.setPinned({ agentId: row.agentId, pinned }).then(
      () => agents.reload(),
      (err: unknown) => {
        setPinOverrides((cur) => {
          const next = new Map(cur);
          next.delete(row.agentId);
          return next;
        });
        setActionError(`Could not ${pinned ? 'pin' : 'unpin'} ${row.agentId}: ${messageOf(err)}`);
      },
    );
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
        expanded={expanded.has(agentKey(item.row))}
        onToggle={() => toggleAgent(agentKey(item.row))}
        logOpen={logAgent?.agentId === item.row.agentId && logAgent.taskDir === item.row.taskDir}
        onClean={() => setCleanTarget({ taskDir: item.row.taskDir, agentId: item.row.agentId })}
        onPin={(p) => setPinned(item.row, p)}
        onLogs={() => setLogAgent(item.row)}
      />
    );

  return (
    <section class="view view-agents" aria-labelledby="agents-title">
      <div class="toolbar">
        <h1 id="agents-title">Agents</h1>
        <label class="field-inline">
          <span class="sr-only">Search agents</span>
          <input type="search" placeholder="Search id, task, session" value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="agents-search" />
        </label>
        <label class="field-inline">
          Verdict
          <select value={verdict} onChange={(e) => setVerdict(e.currentTarget.value as Verdict | '')} data-testid="agents-verdict">
            <option value="">all</option>
            {VerdictSchema.options.map((v) => (
              <option key={v} value={v}>
                {v} ({counts.get(v) ?? 0})
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={aliveOnly} onChange={(e) => setAliveOnly(e.currentTarget.checked)} data-testid="agents-alive-only" />
          alive only
        </label>
        <label class="check">
          <input type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.currentTarget.checked)} data-testid="agents-pinned-only" />
          pinned only
        </label>
        {task ? (
          <span class="chip" data-testid="agents-task-filter">
            task <span class="mono">{task}</span>
            <button type="button" class="icon-button" aria-label="Show every task" onClick={() => navigate(formatHash({ view: 'agents' }))}>
              ×
            </button>
          </span>
        ) : null}
        <div class="spacer" />
        <span class="muted" data-testid="agents-count">
          {agents.data ? `${plural(filtered.length, 'agent')} of ${rows.length.toLocaleString('en-US')} · ${formatBytes(filtered.reduce((n, r) => n + r.bytes, 0))}` : ''}
        </span>
        <button type="button" onClick={agents.reload} disabled={agents.loading} data-testid="agents-refresh">
          Refresh
        </button>
      </div>
      {agents.error ? <Notice kind="error" testId="agents-error">{agents.error}</Notice> : null}
      {actionError ? <Notice kind="error" testId="agents-action-error">{actionError}</Notice> : null}
      <div class="table agents-table" role="table" aria-label="Agents by task">
        <div class="table-head agent-cols" role="row">
          <span role="columnheader">Agent</span>
          <span role="columnheader" class="col-status">Status</span>
          <span role="columnheader">Verdict and reason</span>
          <span role="columnheader">Session</span>
          <span role="columnheader" class="num col-idle">Idle</span>
          <span role="columnheader" class="num col-files">Files</span>
          <span role="columnheader" class="num">Size</span>
          <span role="columnheader" class="col-pinned">Pinned</span>
          <span role="columnheader" class="actions-col">Actions</span>
        </div>
        {agents.data && items.length === 0 ? (
          <p class="empty" data-testid="agents-empty">
            {rows.length === 0 ? 'No agents: no registry under the configured roots names one.' : 'No agent matches these filters.'}
          </p>
        ) : (
          <VirtualList
            items={items}
            itemSize={itemSize}
            itemKey={itemKey}
            render={render}
            testId="agents-list"
            label="Agents"
            scrollTo={selectedIndex >= 0 ? { index: selectedIndex, key: route.id ?? '' } : null}
          />
        )}
      </div>
      {logAgent ? <AgentLogPanel agent={logAgent} onClose={() => setLogAgent(null)} /> : null}
      {cleanTarget ? <CleanDialog target={cleanTarget} finishing={finishingIn(rows, cleanTarget)} onClose={() => setCleanTarget(null)} /> : null}
    </section>
  );
}
