import type { AgentRow } from '../../../src/shared/index.js';
import { VerdictBadge } from '../components/badges.js';
import type { TaskHeader } from '../lib/agent-list.js';
import { formatBytes, formatMinutes, plural } from '../lib/format.js';

/** One task's header row inside the virtualized agents list. */
export function TaskRowView({ item, onToggle, onClean }: { item: TaskHeader; onToggle: () => void; onClean: () => void }) {
  return (
    <div class="task-row" role="row" data-testid={`task-row-${item.task}`}>
      <button type="button" class="task-toggle" aria-expanded={!item.collapsed} onClick={onToggle} data-testid={`task-toggle-${item.task}`}>
        <span class="caret" aria-hidden="true">
          {item.collapsed ? '▸' : '▾'}
        </span>
        <span class="mono task-name">{item.task}</span>
      </button>
      <span class="muted mono ellipsis task-root" title={item.taskDir}>
        {item.root}
      </span>
      <span class="task-stats muted">
        {plural(item.agents, 'agent')} · {item.alive} alive · {item.cleanable} to clean · {formatBytes(item.bytes)}
      </span>
      <button type="button" class="small" onClick={onClean} data-testid={`task-clean-${item.task}`}>
        Clean task…
      </button>
    </div>
  );
}

function filesTitle(row: AgentRow): string {
  return row.files.length === 0 ? 'no files left' : row.files.map((f) => `${f.path}  ${formatBytes(f.bytes)}`).join('\n');
}

export function AgentRowView(props: {
  row: AgentRow;
  selected: boolean;
  logOpen: boolean;
  onClean: () => void;
  onPin: (pinned: boolean) => void;
  onLogs: () => void;
}) {
  const { row } = props;
  return (
    <div class={`agent-row agent-cols${props.selected ? ' selected' : ''}`} role="row" data-testid={`agent-row-${row.agentId}`} data-verdict={row.verdict}>
      <span role="cell" class="mono ellipsis" title={row.agentId}>
        {row.agentId}
      </span>
      <span role="cell" class="ellipsis" title={row.status}>
        {row.status}
      </span>
      <span role="cell" class="verdict-cell" title={row.reason}>
        <VerdictBadge verdict={row.verdict} reason={row.reason} />
        <span class="muted ellipsis reason" data-testid={`agent-reason-${row.agentId}`}>
          {row.reason}
        </span>
      </span>
      <span role="cell" class="ellipsis" title={row.session ?? 'no session'}>
        {row.session === null ? <span class="muted">—</span> : row.sessionAlive ? <span class="alive">● alive</span> : <span class="gone">○ gone</span>}
      </span>
      <span role="cell" class="num">
        {formatMinutes(row.idleMinutes)}
      </span>
      <span role="cell" class="num" title={filesTitle(row)}>
        {row.files.length}
      </span>
      <span role="cell" class="num">
        {formatBytes(row.bytes)}
      </span>
      <span role="cell">{row.pinned ? <span class="badge pinned">pinned</span> : null}</span>
      <span role="cell" class="actions-col row-actions">
        <button type="button" class="small" onClick={props.onClean} data-testid={`agent-clean-${row.agentId}`}>
          Clean now…
        </button>
        <button type="button" class="small" aria-pressed={row.pinned} onClick={() => props.onPin(!row.pinned)} data-testid={`agent-pin-${row.agentId}`}>
          {row.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" class={props.logOpen ? 'small active' : 'small'} onClick={props.onLogs} data-testid={`agent-logs-${row.agentId}`}>
          Logs
        </button>
      </span>
    </div>
  );
}
