import type { AgentRow } from '../../../src/shared/index.js';
import { fileName, filesByFolder, formatGraceLeft, graceLeftSeconds, SOURCE_LABELS } from '../lib/agent-details.js';
import { formatBytes, formatMinutes, formatTime, plural } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';

/** Height of one details line and the details' padding, matching `.agent-details` in app.css. */
export const DETAILS_LINE_PX = 20;
export const DETAILS_PAD_PX = 10;

function GraceLine({ row }: { row: AgentRow }) {
  const now = useNow(1000);
  const left = formatGraceLeft(graceLeftSeconds(row, now));
  return (
    <div class="details-line" data-testid={`agent-grace-detail-${row.agentId}`}>
      <span class="details-label">Finish grace</span>
      <span class="ellipsis" title={row.graceEndsAt ? formatTime(row.graceEndsAt) : undefined}>
        {row.graceEndsAt ? `ends ${formatTime(row.graceEndsAt).slice(11)}` : 'running'}
        {left ? ` · ${left}` : ''} · its processes still run; it is cleaned once they exit or the grace ends (Clean now does not wait)
      </span>
    </div>
  );
}

/**
 * An expanded agent's details, under its row: where it was read (the task's registry or the orchestrator's state
 * database), its state, its finish grace, and its files by folder (logs/, progress/, findings/, the prompt).
 */
export function AgentDetailsView({ row }: { row: AgentRow }) {
  const source = SOURCE_LABELS[row.source];
  const groups = filesByFolder(row.files);
  const state = [
    `status ${row.status}`,
    row.idleMinutes === null ? '' : `idle ${formatMinutes(row.idleMinutes)}`,
    row.session === null ? 'no session' : `session ${row.session} (${row.sessionAlive ? 'alive' : 'gone'})`,
    row.pinned ? 'pinned' : '',
  ].filter(Boolean);
  return (
    <div class="agent-details" role="row" data-testid={`agent-details-${row.agentId}`}>
      <div class="details-line" role="cell">
        <span class="details-label">Read from</span>
        <span class="ellipsis" title={`Read from ${source.long}`}>
          <span class="badge source" data-testid={`agent-source-${row.agentId}`} data-source={row.source}>
            {source.short}
          </span>{' '}
          <span class="muted">{state.join(' · ')}</span>
        </span>
      </div>
      {row.verdict === 'finishing' ? <GraceLine row={row} /> : null}
      {groups.length === 0 ? (
        <div class="details-line" role="cell">
          <span class="details-label">Files</span>
          <span class="muted">none left</span>
        </div>
      ) : (
        groups.map((g) => (
          <div key={g.folder} class="details-line" role="cell" data-testid={`agent-files-${row.agentId}`} data-folder={g.folder || '.'}>
            <span class="details-label mono" title={g.folder === '' ? 'the task folder itself' : undefined}>
              {g.folder || 'task folder'}
            </span>
            <span class="ellipsis" title={g.files.map((f) => `${f.path}  ${formatBytes(f.bytes)}`).join('\n')}>
              {g.files.map((f, i) => (
                <span key={f.path}>
                  {i > 0 ? <span class="muted"> · </span> : null}
                  <span class="mono">{fileName(f.path)}</span> <span class="muted">{formatBytes(f.bytes)}</span>
                </span>
              ))}
              {g.files.length > 1 ? (
                <span class="muted">
                  {' '}
                  ({plural(g.files.length, 'file')}, {formatBytes(g.bytes)})
                </span>
              ) : null}
            </span>
          </div>
        ))
      )}
    </div>
  );
}
