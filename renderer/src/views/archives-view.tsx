import { useContext, useMemo, useRef, useState } from 'preact/hooks';
import type { ArchiveFile, ArchiveTask } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { ConfirmDialog } from '../components/dialog.js';
import { TextFilePanel, joinPath } from '../components/text-file-panel.js';
import { VirtualList } from '../components/virtual-list.js';
import { ARCHIVE_SORT_KEYS, DEFAULT_ARCHIVE_SORT, sortArchiveFiles, sortArchiveTasks } from '../lib/archive-sort.js';
import { formatAge, formatBytes, plural } from '../lib/format.js';
import { useLoader, useNow, useRefreshOn, useToggleSet } from '../lib/hooks.js';
import { useViewRoute } from '../lib/route-hooks.js';
import { sortFromParams, sortParams } from '../lib/sort.js';
import { ArchiveFileRow, ArchivesHead, ArchiveTaskRow } from './archive-rows.js';
import { RetentionPanel } from './retention-panel.js';

type Item = { kind: 'task'; task: ArchiveTask; expanded: boolean } | { kind: 'file'; task: ArchiveTask; file: ArchiveFile };
const ROW_PX = 32;

export function ArchivesView() {
  const { api, desktop } = useContext(AppContext);
  const { route, update } = useViewRoute();
  const clicked = useRef<string | null>(null);
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
  const sort = sortFromParams(route.params, ARCHIVE_SORT_KEYS, DEFAULT_ARCHIVE_SORT);
  // The task in the address (`#/archives/<task>`) is open and selected: a reload or back/forward finds it again.
  const isOpen = (t: ArchiveTask) => expanded.has(t.taskDir) || t.task === route.id;
  const items = useMemo(() => {
    const out: Item[] = [];
    for (const task of sortArchiveTasks(tasks, sort)) {
      const open = isOpen(task);
      out.push({ kind: 'task', task, expanded: open });
      if (open) for (const file of sortArchiveFiles(task.files, sort)) out.push({ kind: 'file', task, file });
    }
    return out;
  }, [tasks, expanded, sort.key, sort.dir, route.id]);
  const selectedIndex = route.id ? items.findIndex((i) => i.kind === 'task' && i.task.task === route.id) : -1;
  const scrollKey = route.id !== null && route.id !== clicked.current ? route.id : null;
  /** Opening a task selects it (in the address); the one selected before stays open, as the user left it. */
  const toggleTask = (t: ArchiveTask) => {
    clicked.current = t.task;
    if (isOpen(t)) {
      if (expanded.has(t.taskDir)) toggle(t.taskDir);
      if (t.task === route.id) update({ id: null, replace: true });
      return;
    }
    const prev = route.id === null ? undefined : tasks.find((x) => x.task === route.id);
    if (prev && !expanded.has(prev.taskDir)) toggle(prev.taskDir);
    toggle(t.taskDir);
    update({ id: t.task, replace: true });
  };
  const totals = tasks.reduce((t, a) => ({ bytes: t.bytes + a.bytes, stored: t.stored + a.storedBytes, files: t.files + a.files.length }), {
    bytes: 0,
    stored: 0,
    files: 0,
  });

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

  const render = (item: Item) =>
    item.kind === 'task' ? (
      <ArchiveTaskRow
        task={item.task}
        expanded={item.expanded}
        selected={item.task.task === route.id}
        now={now}
        onToggle={() => toggleTask(item.task)}
      />
    ) : (
      <ArchiveFileRow
        task={item.task}
        file={item.file}
        now={now}
        actions={{
          open: () => setOpened({ task: item.task, file: item.file }),
          restore: () => restore(item.task, item.file),
          remove: () => setDeleting({ task: item.task, file: item.file }),
          reveal: desktop ? () => reveal(item.task, item.file) : null,
        }}
      />
    );

  return (
    <section class="view view-archives" aria-labelledby="archives-title">
      <div class="toolbar">
        <h1 id="archives-title">Archives</h1>
        <span class="muted" data-testid="archives-total">
          {archives.data
            ? `${plural(tasks.length, 'task')} · ${plural(totals.files, 'file')} · ${formatBytes(totals.bytes)} of logs stored in ${formatBytes(totals.stored)}`
            : ''}
        </span>
        <div class="spacer" />
        <button type="button" onClick={changed} disabled={archives.loading} data-testid="archives-refresh">
          Refresh
        </button>
      </div>
      <RetentionPanel key={retentionKey} onApplied={archives.reload} />
      {archives.error ? (
        <Notice kind="error" testId="archives-error">
          {archives.error}
        </Notice>
      ) : null}
      {message ? (
        <Notice kind={message.ok ? 'ok' : 'error'} testId="archive-message">
          {message.text}
        </Notice>
      ) : null}
      <div class="table archives-table" role="table" aria-label="Archives by task">
        <ArchivesHead sort={sort} onSort={(x) => update({ params: sortParams(x, DEFAULT_ARCHIVE_SORT) })} />
        {archives.data && tasks.length === 0 ? (
          <p class="empty" data-testid="archives-empty">
            No archives yet: logs are archived when their agent is cleaned.
          </p>
        ) : (
          <VirtualList
            items={items}
            itemSize={() => ROW_PX}
            itemKey={(i) => (i.kind === 'task' ? `t:${i.task.taskDir}` : `f:${i.task.taskDir}/${i.file.path}`)}
            render={render}
            testId="archives-list"
            label="Archives"
            scrollTo={scrollKey !== null && selectedIndex >= 0 ? { index: selectedIndex, key: scrollKey } : null}
          />
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
        <ConfirmDialog
          title="Delete archived log?"
          confirmLabel="Delete"
          danger
          busy={busy}
          onConfirm={remove}
          onCancel={() => setDeleting(null)}
          testId="archive-delete-confirm"
        >
          <p>
            <span class="mono">{deleting.file.path}</span> ({formatBytes(deleting.file.bytes)}, archived{' '}
            {formatAge(deleting.file.archivedAt, now)}) in <span class="mono">{deleting.task.task}</span> will be deleted for good. It
            cannot be restored afterwards.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
