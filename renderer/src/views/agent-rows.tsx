import type { AgentRow } from '../../../src/shared/index.js';
import { AgentVerdictBadge } from '../components/badges.js';
import { reasonForDisplay, SOURCE_LABELS } from '../lib/agent-details.js';
import type { TaskHeader } from '../lib/agent-list.js';
import { formatBytes, formatMinutes, plural } from '../lib/format.js';

/** One task's header row inside the virtualized agents list. */
export function TaskRowView({ item, onToggle, onClean }: { item: TaskHeader; onToggle: () => void; onClean: () => void }) {
  return (
    // One cell spans the header row: a row must hold cells (ARIA), and the header's parts are not columns.
    <div class="task-row" role="row" data-testid={`task-row-${item.task}`}>
      <div class="task-row-cell" role="cell">
        <button
          type="button"
          class="task-toggle"
          aria-expanded={!item.collapsed}
          onClick={onToggle}
          data-testid={`task-toggle-${item.task}`}
        >
          <span class="caret" aria-hidden="true">
            {item.collapsed ? '▸' : '▾'}
          </span>
          <span class="mono task-name">{item.task}</span>
        </button>
        <span class="muted mono ellipsis task-root" title={item.taskDir}>
          {item.root}
        </span>
        <span class="task-stats muted">
          {plural(item.agents, 'agent')} · {item.alive} alive · {item.cleanable} to clean
          {item.finishing > 0 ? ` · ${item.finishing} finishing` : ''} · {formatBytes(item.bytes)}
        </span>
        <button type="button" class="small" onClick={onClean} data-testid={`task-clean-${item.task}`}>
          Clean task…
        </button>
      </div>
    </div>
  );
}

function filesTitle(row: AgentRow): string {
  return row.files.length === 0
    ? 'no files left'
    : `${plural(row.files.length, 'file')}:\n${row.files.map((f) => `${f.path}  ${formatBytes(f.bytes)}`).join('\n')}`;
}

/** The agent cell's tooltip: what the narrow layout's hidden columns would say, and where the agent was read. */
function agentTitle(row: AgentRow): string {
  return [row.agentId, `status ${row.status}`, `read from ${SOURCE_LABELS[row.source].long}`, row.pinned ? 'pinned' : '']
    .filter(Boolean)
    .join('\n');
}

export function AgentRowView(props: {
  row: AgentRow;
  selected: boolean;
  /** Its checkbox, for the bulk actions. */
  checked: boolean;
  onCheck: (checked: boolean) => void;
  /** Listed in a tab it has since left (cleaned while watched): kept in place until the list is refreshed. */
  moved: boolean;
  expanded: boolean;
  logOpen: boolean;
  onToggle: () => void;
  onClean: () => void;
  onPin: (pinned: boolean) => void;
  onLogs: () => void;
}) {
  const { row } = props;
  const reason = reasonForDisplay(row);
  return (
    <div
      class={`agent-row agent-cols${props.selected ? ' selected' : ''}${props.checked ? ' checked' : ''}${props.moved ? ' moved' : ''}`}
      role="row"
      data-testid={`agent-row-${row.agentId}`}
      data-verdict={row.verdict}
    >
      <span role="cell" class="agent-cell">
        <input
          type="checkbox"
          class="row-select"
          checked={props.checked}
          aria-label={`Select ${row.agentId}`}
          onChange={(e) => props.onCheck(e.currentTarget.checked)}
          data-testid={`agent-select-${row.agentId}`}
        />
        <button
          type="button"
          class="agent-toggle"
          aria-expanded={props.expanded}
          title={agentTitle(row)}
          onClick={props.onToggle}
          data-testid={`agent-toggle-${row.agentId}`}
        >
          <span class="caret" aria-hidden="true">
            {props.expanded ? '▾' : '▸'}
          </span>
          <span class="mono ellipsis">{row.agentId}</span>
        </button>
      </span>
      <span role="cell" class="ellipsis col-status" title={row.status}>
        {row.status}
      </span>
      <span role="cell" class="verdict-cell" title={reason}>
        <AgentVerdictBadge row={row} title={reason} testId={`agent-grace-${row.agentId}`} />
        <span class="muted ellipsis reason" data-testid={`agent-reason-${row.agentId}`}>
          {reason}
        </span>
      </span>
      <span role="cell" class="ellipsis" title={row.session ?? 'no session'}>
        {row.session === null ? (
          <span class="muted">—</span>
        ) : row.sessionAlive ? (
          <span class="alive">● alive</span>
        ) : (
          <span class="gone">○ gone</span>
        )}
      </span>
      <span role="cell" class="num col-idle">
        {formatMinutes(row.idleMinutes)}
      </span>
      <span role="cell" class="num col-files" title={filesTitle(row)}>
        {row.files.length}
      </span>
      <span role="cell" class="num" title={filesTitle(row)}>
        {formatBytes(row.bytes)}
      </span>
      <span role="cell" class="col-pinned">
        {row.pinned ? <span class="badge pinned">pinned</span> : null}
      </span>
      <span role="cell" class="actions-col row-actions">
        <button type="button" class="small" onClick={props.onClean} data-testid={`agent-clean-${row.agentId}`}>
          Clean now…
        </button>
        <button
          type="button"
          class="small"
          aria-pressed={row.pinned}
          onClick={() => props.onPin(!row.pinned)}
          data-testid={`agent-pin-${row.agentId}`}
          title={
            row.pinned
              ? 'Unpin: the janitor cleans it again when it finishes or goes idle'
              : 'Pin: the janitor never cleans it on its own, finished or idle; Clean now still can'
          }
        >
          {row.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button
          type="button"
          class={props.logOpen ? 'small active' : 'small'}
          onClick={props.onLogs}
          data-testid={`agent-logs-${row.agentId}`}
        >
          Logs
        </button>
      </span>
    </div>
  );
}
