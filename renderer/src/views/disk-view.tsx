import { useContext, useMemo } from 'preact/hooks';
import type { DiskUsage } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { Notice } from '../components/badges.js';
import { VirtualList } from '../components/virtual-list.js';
import { formatBytes, percent, plural } from '../lib/format.js';
import { useLoader, useRefreshOn } from '../lib/hooks.js';
import { formatHash } from '../lib/route.js';
import { useViewRoute } from '../lib/route-hooks.js';
import { ariaSort, compareValues, nextSort, sortFromParams, sortMark, sortParams, type Sort } from '../lib/sort.js';
import { DiskChart } from './disk-chart.js';

type RootUsage = DiskUsage['roots'][number];
type TaskUsage = RootUsage['tasks'][number] & { root: string; total: number };
const SORT_KEYS = ['task', 'logs', 'archive', 'other', 'total'] as const;
type SortKey = (typeof SORT_KEYS)[number];
/** Biggest task first; the sort is in the address (`#/disk?sort=task&dir=asc`). */
const DEFAULT_SORT: Sort<SortKey> = { key: 'total', dir: 'desc' };
const ROW_PX = 30;

function RootBar({ root }: { root: RootUsage }) {
  const used = root.logs + root.archive + root.other;
  // The bar is the file system when its size is known, else just what the janitor's folders use.
  const whole = root.totalBytes ?? used + (root.freeBytes ?? 0);
  const fsOther = root.totalBytes !== null && root.freeBytes !== null ? Math.max(0, root.totalBytes - root.freeBytes - used) : 0;
  const parts = [
    { key: 'logs', label: 'logs', bytes: root.logs },
    { key: 'archive', label: 'archive', bytes: root.archive },
    { key: 'other', label: 'other (task folders)', bytes: root.other },
    { key: 'fs', label: 'rest of the disk', bytes: fsOther },
    { key: 'free', label: 'free', bytes: root.freeBytes ?? 0 },
  ];
  return (
    <div class="root-usage" data-testid={`disk-root-${root.root}`}>
      <div class="root-head">
        <span class="mono strong">{root.root}</span>
        <span class="muted">
          {formatBytes(used)} in task folders
          {root.freeBytes !== null ? ` · ${formatBytes(root.freeBytes)} free` : ''}
          {root.totalBytes !== null ? ` of ${formatBytes(root.totalBytes)}` : ''}
        </span>
      </div>
      <div class="stack-bar" role="img" aria-label={parts.map((p) => `${p.label} ${formatBytes(p.bytes)}`).join(', ')}>
        {parts.map((p) =>
          p.bytes > 0 ? (
            <span
              key={p.key}
              class={`seg seg-${p.key}`}
              style={{ width: `${Math.max(0.4, percent(p.bytes, whole))}%` }}
              title={`${p.label}: ${formatBytes(p.bytes)}`}
            />
          ) : null,
        )}
      </div>
      <ul class="legend">
        {parts.map((p) => (
          <li key={p.key}>
            <span class={`swatch seg-${p.key}`} aria-hidden="true" />
            {p.label} <strong>{formatBytes(p.bytes)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function DiskView() {
  const { api } = useContext(AppContext);
  const usage = useLoader(() => api.diskUsage({}), []);
  useRefreshOn(['sweep'], usage.reload);
  const { route, update } = useViewRoute();
  const sort = sortFromParams(route.params, SORT_KEYS, DEFAULT_SORT);

  const u = usage.data;
  const tasks = useMemo(() => {
    const all: TaskUsage[] = (u?.roots ?? []).flatMap((r) =>
      r.tasks.map((t) => ({ ...t, root: r.root, total: t.logs + t.archive + t.other })),
    );
    return all.sort((a, b) => compareValues(a[sort.key], b[sort.key], sort.dir) || compareValues(a.taskDir, b.taskDir, 'asc'));
  }, [u, sort.key, sort.dir]);
  const header = (key: SortKey, label: string, num = true) => (
    <span role="columnheader" class={num ? 'num' : undefined} aria-sort={ariaSort(sort, key)}>
      <button
        type="button"
        class={sort.key === key ? 'sort-button sorted' : 'sort-button'}
        onClick={() =>
          update({
            params: sortParams(
              nextSort(sort, key, (k) => (k === 'task' ? 'asc' : 'desc')),
              DEFAULT_SORT,
            ),
          })
        }
        data-testid={`disk-sort-${key}`}
      >
        {label}
        {sortMark(sort, key)}
      </button>
    </span>
  );

  return (
    <section class="view view-disk" aria-labelledby="disk-title">
      <div class="toolbar">
        <h1 id="disk-title">Disk</h1>
        {u ? (
          <span class="muted" data-testid="disk-reclaim">
            {u.reclaimableBytes > 0
              ? `Retention would reclaim ${formatBytes(u.reclaimableBytes)}.`
              : 'Retention would reclaim nothing now.'}{' '}
            <a href={formatHash({ view: 'archives' })}>Archives →</a>
          </span>
        ) : null}
        <div class="spacer" />
        <button type="button" onClick={usage.reload} disabled={usage.loading} data-testid="disk-refresh">
          Refresh
        </button>
      </div>
      {usage.error ? (
        <Notice kind="error" testId="disk-error">
          {usage.error}
        </Notice>
      ) : null}
      {u ? (
        <div class="disk-layout">
          <div class="disk-top">
            <section class="panel" aria-label="Roots">
              <h2>Roots</h2>
              {u.roots.length === 0 ? <p class="empty">No roots configured.</p> : u.roots.map((r) => <RootBar key={r.root} root={r} />)}
            </section>
            <section class="panel chart-panel" aria-label="History">
              <h2>Over time</h2>
              <DiskChart history={u.history} />
            </section>
          </div>
          <section class="panel tasks-panel" aria-label="Tasks by size">
            <h2>
              Tasks <span class="muted">({plural(tasks.length, 'task')})</span>
            </h2>
            <div class="table disk-table" role="table" aria-label="Disk use per task">
              <div class="table-head disk-cols" role="row">
                {header('task', 'Task', false)}
                {header('logs', 'Logs')}
                {header('archive', 'Archive')}
                {header('other', 'Other')}
                {header('total', 'Total')}
              </div>
              <VirtualList
                items={tasks}
                itemSize={() => ROW_PX}
                itemKey={(t) => t.taskDir}
                testId="disk-tasks"
                label="Tasks"
                render={(t) => (
                  <div class="disk-row disk-cols" role="row" data-testid="disk-task-row" data-task={t.task}>
                    <span role="cell" class="ellipsis">
                      <a class="mono" href={formatHash({ view: 'agents', params: { task: t.task } })} title={t.taskDir}>
                        {t.task}
                      </a>
                    </span>
                    <span role="cell" class="num">
                      {formatBytes(t.logs)}
                    </span>
                    <span role="cell" class="num">
                      {formatBytes(t.archive)}
                    </span>
                    <span role="cell" class="num">
                      {formatBytes(t.other)}
                    </span>
                    <span role="cell" class="num strong">
                      {formatBytes(t.total)}
                    </span>
                  </div>
                )}
              />
            </div>
          </section>
        </div>
      ) : null}
    </section>
  );
}
