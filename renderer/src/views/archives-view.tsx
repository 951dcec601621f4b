import { useContext, useMemo, useState } from 'preact/hooks';
import type { ArchiveFile, ArchiveTask } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { ConfirmDialog } from '../components/dialog.js';
import { TextFilePanel, joinPath } from '../components/text-file-panel.js';
import { VirtualList } from '../components/virtual-list.js';
import { restoreDestination } from '../lib/archive-paths.js';
import { formatAge, formatBytes, formatRatio, formatTime, plural } from '../lib/format.js';
import { useLoader, useNow, useRefreshOn, useToggleSet } from '../lib/hooks.js';
import { RetentionPanel } from './retention-panel.js';

type Item = { kind: 'task'; task: ArchiveTask; expanded: boolean } | { kind: 'file'; task: ArchiveTask; file: ArchiveFile };
const ROW_PX = 32;

export function ArchivesView() {
  const { api, desktop } = useContext(AppContext);
  const archives = useLoader(() => api.listArchives({}), []);
  useRefreshOn(['sweep'], archives.reload);
  const [expanded, toggle] = useToggleSet();
  const [deleting, setDeleting] = useState<{ task: ArchiveTask; file: ArchiveFile } | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [retentionKey, setRetentionKey] = useState(0);
  const [opened, setOpened] = useState<{ task: ArchiveTask; file: ArchiveFile } | null>(null);
  const now = useNow();

  const tasks = archives.data ?? [];
  const items = useMemo(() => {
    const out: Item[] = [];
    for (const task of tasks) {
      const isOpen = expanded.has(task.taskDir);
      out.push({ kind: 'task', task, expanded: isOpen });
      if (isOpen) for (const file of task.files) out.push({ kind: 'file', task, file });
    }
    return out;
  }, [tasks, expanded]);
  const totals = tasks.reduce((t, a) => ({ bytes: t.bytes + a.bytes, stored: t.stored + a.storedBytes, files: t.files + a.files.length }), { bytes: 0, stored: 0, files: 0 });

  const changed = () => {
    archives.reload();
    setRetentionKey((k) => k + 1);
  };

  const restore = (task: ArchiveTask, file: ArchiveFile) => {
    setMessage(null);
    api.restoreArchive({ taskDir: task.taskDir, path: file.path }).then(
      (r) => {
        setMessage({ ok: true, text: `Restored ${file.path} to its folder: ${r.restored} in ${task.task}` });
        changed();
      },
      (err: unknown) => setMessage({ ok: false, text: `Could not restore ${file.path}: ${messageOf(err)}` }),
    );
  };
  const remove = () => {
    if (!deleting) return;
    const { task, file } = deleting;
    setBusy(true);
    api
      .deleteArchive({ taskDir: task.taskDir, path: file.path })
      .then(
        (r) => {
          setMessage({ ok: true, text: `Deleted ${r.deleted} (${formatBytes(r.storedBytes)} freed)` });
          changed();
        },
        (err: unknown) => setMessage({ ok: false, text: `Could not delete ${file.path}: ${messageOf(err)}` }),
      )
      .finally(() => {
        setBusy(false);
        setDeleting(null);
      });
  };
  const reveal = (task: ArchiveTask, file: ArchiveFile) => {
    api.openPath({ path: joinPath(task.taskDir, file.path), reveal: true }).then(
      (r) => (r.ok ? undefined : setMessage({ ok: false, text: r.message })),
      (err: unknown) => setMessage({ ok: false, text: messageOf(err) }),
    );
  };

  const render = (item: Item) => {
    if (item.kind === 'task') {
      const t = item.task;
      return (
        <div class="archive-row archive-cols archive-task" role="row" data-testid={`archive-task-${t.task}`}>
          <span role="cell">
            <button type="button" class="task-toggle" aria-expanded={item.expanded} onClick={() => toggle(t.taskDir)} data-testid={`archive-toggle-${t.task}`}>
              <span class="caret" aria-hidden="true">
                {item.expanded ? '▾' : '▸'}
              </span>
              <span class="mono ellipsis">{t.task}</span>
            </button>
          </span>
          <span role="cell" class="num">{t.files.length}</span>
          <span role="cell" class="num" title={`stored in ${formatBytes(t.storedBytes)} (${formatRatio(t.ratio)})`}>
            {formatBytes(t.bytes)}
          </span>
          <span role="cell" class="num col-stored">{formatBytes(t.storedBytes)}</span>
          <span role="cell" class="num col-ratio">{formatRatio(t.ratio)}</span>
          <span role="cell" class="ellipsis" title={`${formatTime(t.oldest)} – ${formatTime(t.newest)}`}>
            {t.oldest ? `${formatAge(t.oldest, now)} – ${formatAge(t.newest, now)}` : '—'}
          </span>
          <span role="cell" />
        </div>
      );
    }
    const { task, file } = item;
    const id = `${task.task}/${file.path}`;
    return (
      <div class="archive-row archive-cols archive-file" role="row" data-testid={`archive-file-${id}`}>
        <span role="cell" class="mono ellipsis file-name" title={`${file.path}\nfrom ${file.source}\nsha256 ${file.sha256}`}>
          {file.path.replace(/^archive\//, '')} <span class="muted">← {file.source}</span>
        </span>
        <span role="cell" class="mono ellipsis muted" title={file.agentId}>{file.agentId}</span>
        <span role="cell" class="num" title={`stored in ${formatBytes(file.storedBytes)}${file.path.endsWith('.gz') ? ', gzipped' : ', uncompressed'}`}>
          {formatBytes(file.bytes)}
        </span>
        <span role="cell" class="num col-stored">{formatBytes(file.storedBytes)}</span>
        <span role="cell" class="num col-ratio">{formatRatio(file.storedBytes > 0 ? file.bytes / file.storedBytes : null)}</span>
        <span role="cell" class="ellipsis" title={formatTime(file.archivedAt)}>
          {formatAge(file.archivedAt, now)}
        </span>
        <span role="cell" class="row-actions">
          <button type="button" class="small" onClick={() => setOpened({ task, file })} data-testid={`archive-open-${id}`}>
            Open
          </button>
          <button
            type="button"
            class="small"
            title={`Restore to its folder: ${restoreDestination(file)} (decompressed and checked against its sha256)`}
            aria-label={`Restore ${file.path} to ${restoreDestination(file)}`}
            onClick={() => restore(task, file)}
            data-testid={`archive-restore-${id}`}
          >
            Restore
          </button>
          <button type="button" class="small danger" onClick={() => setDeleting({ task, file })} data-testid={`archive-delete-${id}`}>
            Delete…
          </button>
          {desktop ? (
            <button type="button" class="small" onClick={() => reveal(task, file)} data-testid={`archive-reveal-${id}`}>
              Reveal
            </button>
          ) : null}
        </span>
      </div>
    );
  };

  return (
    <section class="view view-archives" aria-labelledby="archives-title">
      <div class="toolbar">
        <h1 id="archives-title">Archives</h1>
        <span class="muted" data-testid="archives-total">
          {archives.data ? `${plural(tasks.length, 'task')} · ${plural(totals.files, 'file')} · ${formatBytes(totals.bytes)} of logs stored in ${formatBytes(totals.stored)}` : ''}
        </span>
        <div class="spacer" />
        <button type="button" onClick={changed} disabled={archives.loading} data-testid="archives-refresh">
          Refresh
        </button>
      </div>
      <RetentionPanel key={retentionKey} onApplied={archives.reload} />
      {archives.error ? <Notice kind="error" testId="archives-error">{archives.error}</Notice> : null}
      {message ? (
        <Notice kind={message.ok ? 'ok' : 'error'} testId="archive-message">
          {message.text}
        </Notice>
      ) : null}
      <div class="table archives-table" role="table" aria-label="Archives by task">
        <div class="table-head archive-cols" role="row">
          <span role="columnheader">Task / file</span>
          <span role="columnheader" class="num">Files / agent</span>
          <span role="columnheader" class="num">Size</span>
          <span role="columnheader" class="num col-stored">Stored</span>
          <span role="columnheader" class="num col-ratio">Ratio</span>
          <span role="columnheader" class="ellipsis">Age (oldest – newest)</span>
          <span role="columnheader" class="actions-col">Actions</span>
        </div>
        {archives.data && tasks.length === 0 ? (
          <p class="empty" data-testid="archives-empty">
            No archives yet: logs are archived when their agent is cleaned.
          </p>
        ) : (
          <VirtualList items={items} itemSize={() => ROW_PX} itemKey={(i) => (i.kind === 'task' ? `t:${i.task.taskDir}` : `f:${i.task.taskDir}/${i.file.path}`)} render={render} testId="archives-list" label="Archives" />
        )}
      </div>
      {opened ? (
        <TextFilePanel
          title={
            <>
              <span class="mono">{opened.file.path}</span> of <span class="mono">{opened.task.task}</span>
            </>
          }
          taskDir={opened.task.taskDir}
          load={() => api.readArchive({ taskDir: opened.task.taskDir, path: opened.file.path })}
          deps={[opened.task.taskDir, opened.file.path]}
          onClose={() => setOpened(null)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog title="Delete archived log?" confirmLabel="Delete" danger busy={busy} onConfirm={remove} onCancel={() => setDeleting(null)} testId="archive-delete-confirm">
          <p>
            <span class="mono">{deleting.file.path}</span> ({formatBytes(deleting.file.bytes)}, archived {formatAge(deleting.file.archivedAt, now)}) in{' '}
            <span class="mono">{deleting.task.task}</span> will be deleted for good. It cannot be restored afterwards.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
