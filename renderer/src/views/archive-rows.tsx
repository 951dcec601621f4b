import type { ArchiveFile, ArchiveTask } from '../../../src/shared/index.js';
import { restoreDestination } from '../lib/archive-paths.js';
import { archiveNaturalDir, type ArchiveSort, type ArchiveSortKey } from '../lib/archive-sort.js';
import { formatAge, formatBytes, formatRatio, formatTime } from '../lib/format.js';
import { ariaSort, nextSort, sortMark } from '../lib/sort.js';

function SortHeader(props: {
  sort: ArchiveSort;
  sortKey: ArchiveSortKey;
  label: string;
  title: string;
  class: string;
  onSort: (s: ArchiveSort) => void;
}) {
  const { sort, sortKey } = props;
  return (
    <span role="columnheader" class={props.class} aria-sort={ariaSort(sort, sortKey)}>
      <button
        type="button"
        class={sort.key === sortKey ? 'sort-button sorted' : 'sort-button'}
        title={props.title}
        onClick={() => props.onSort(nextSort(sort, sortKey, archiveNaturalDir))}
        data-testid={`archives-sort-${sortKey}`}
      >
        {props.label}
        {sortMark(sort, sortKey)}
      </button>
    </span>
  );
}

export function ArchivesHead({ sort, onSort }: { sort: ArchiveSort; onSort: (s: ArchiveSort) => void }) {
  return (
    <div class="table-head archive-cols" role="row">
      <span role="columnheader">Task / file</span>
      <span role="columnheader" class="num">
        Files / agent
      </span>
      <SortHeader
        sort={sort}
        sortKey="size"
        label="Size"
        class="num"
        title="Sort by original size: biggest first, then smallest"
        onSort={onSort}
      />
      <span role="columnheader" class="num col-stored">
        Stored
      </span>
      <span role="columnheader" class="num col-ratio">
        Ratio
      </span>
      <SortHeader
        sort={sort}
        sortKey="age"
        label="Age (oldest – newest)"
        class="ellipsis"
        title="Sort by age: newest first, then oldest first"
        onSort={onSort}
      />
      <span role="columnheader" class="actions-col">
        Actions
      </span>
    </div>
  );
}

export function ArchiveTaskRow({
  task: t,
  expanded,
  selected,
  now,
  onToggle,
}: {
  task: ArchiveTask;
  expanded: boolean;
  selected: boolean;
  now: number;
  onToggle: () => void;
}) {
  return (
    <div class={`archive-row archive-cols archive-task${selected ? ' selected' : ''}`} role="row" data-testid={`archive-task-${t.task}`}>
      <span role="cell">
        <button type="button" class="task-toggle" aria-expanded={expanded} onClick={onToggle} data-testid={`archive-toggle-${t.task}`}>
          <span class="caret" aria-hidden="true">
            {expanded ? '▾' : '▸'}
          </span>
          <span class="mono ellipsis">{t.task}</span>
        </button>
      </span>
      <span role="cell" class="num">
        {t.files.length}
      </span>
      <span role="cell" class="num" title={`stored in ${formatBytes(t.storedBytes)} (${formatRatio(t.ratio)})`}>
        {formatBytes(t.bytes)}
      </span>
      <span role="cell" class="num col-stored">
        {formatBytes(t.storedBytes)}
      </span>
      <span role="cell" class="num col-ratio">
        {formatRatio(t.ratio)}
      </span>
      <span role="cell" class="ellipsis" title={`${formatTime(t.oldest)} – ${formatTime(t.newest)}`}>
        {t.oldest ? `${formatAge(t.oldest, now)} – ${formatAge(t.newest, now)}` : '—'}
      </span>
      <span role="cell" />
    </div>
  );
}

export interface FileActions {
  open: () => void;
  restore: () => void;
  remove: () => void;
  /** Desktop only. */
  reveal: (() => void) | null;
}

export function ArchiveFileRow({ task, file, now, actions }: { task: ArchiveTask; file: ArchiveFile; now: number; actions: FileActions }) {
  const id = `${task.task}/${file.path}`;
  return (
    <div class="archive-row archive-cols archive-file" role="row" data-testid={`archive-file-${id}`}>
      <span role="cell" class="mono ellipsis file-name" title={`${file.path}\nfrom ${file.source}\nsha256 ${file.sha256}`}>
        {file.path.replace(/^archive\//, '')} <span class="muted">← {file.source}</span>
      </span>
      <span role="cell" class="mono ellipsis muted" title={file.agentId}>
        {file.agentId}
      </span>
      <span
        role="cell"
        class="num"
        title={`stored in ${formatBytes(file.storedBytes)}${file.path.endsWith('.gz') ? ', gzipped' : ', uncompressed'}`}
      >
        {formatBytes(file.bytes)}
      </span>
      <span role="cell" class="num col-stored">
        {formatBytes(file.storedBytes)}
      </span>
      <span role="cell" class="num col-ratio">
        {formatRatio(file.storedBytes > 0 ? file.bytes / file.storedBytes : null)}
      </span>
      <span role="cell" class="ellipsis" title={formatTime(file.archivedAt)}>
        {formatAge(file.archivedAt, now)}
      </span>
      <span role="cell" class="row-actions">
        <button type="button" class="small" onClick={actions.open} data-testid={`archive-open-${id}`}>
          Open
        </button>
        <button
          type="button"
          class="small"
          title={`Restore to its folder: ${restoreDestination(file)} (decompressed and checked against its sha256)`}
          aria-label={`Restore ${file.path} to ${restoreDestination(file)}`}
          onClick={actions.restore}
          data-testid={`archive-restore-${id}`}
        >
          Restore
        </button>
        <button type="button" class="small danger" onClick={actions.remove} data-testid={`archive-delete-${id}`}>
          Delete…
        </button>
        {actions.reveal ? (
          <button type="button" class="small" onClick={actions.reveal} data-testid={`archive-reveal-${id}`}>
            Reveal
          </button>
        ) : null}
      </span>
    </div>
  );
}
