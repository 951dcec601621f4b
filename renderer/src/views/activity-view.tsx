import { useMemo } from 'preact/hooks';
import { Notice } from '../components/badges.js';
import { VirtualList } from '../components/virtual-list.js';
import { activityItems } from '../lib/activity-items.js';
import type { ActivityOrder } from '../lib/activity-pages.js';
import { plural } from '../lib/format.js';
import { useNow, useRefreshOn, useToggleSet } from '../lib/hooks.js';
import { useUrlText, useViewRoute } from '../lib/route-hooks.js';
import { activityItemSize, ActivityRow } from './activity-rows.js';
import { useActivityPages } from './use-activity.js';

/** Entries per page ("Load older" fetches the next this many). */
const PAGE = 200;

/** "showing 200 of 4,512 entries", or every entry when all are shown. */
function countText(shown: number, total: number): string {
  return shown < total
    ? `showing ${shown.toLocaleString('en-US')} of ${plural(total, 'entry', 'entries')}`
    : plural(total, 'entry', 'entries');
}

/**
 * The journal, a page at a time, its search run by the engine. Its address holds the search and the order:
 * `#/activity?q=timed%20out&order=oldest`.
 */
export function ActivityView() {
  const { route, update } = useViewRoute();
  const order: ActivityOrder = route.params.order === 'oldest' ? 'oldest' : 'newest';
  const q = (route.params.q ?? '').trim();
  const [query, setQuery] = useUrlText(route.params.q ?? '', (v) => update({ params: { q: v }, replace: true }), 300);
  const pages = useActivityPages(q, order, PAGE);
  useRefreshOn(['action', 'sweep'], pages.refresh);
  const [expanded, toggle] = useToggleSet();
  const now = useNow();
  const loaded = pages.loaded;
  const entries = loaded?.entries ?? [];
  const items = useMemo(() => activityItems(entries, expanded), [entries, expanded]);
  const left = loaded ? loaded.total - entries.length : 0;

  return (
    <section class="view view-activity" aria-labelledby="activity-title">
      <div class="toolbar">
        <h1 id="activity-title">Activity</h1>
        <label class="field-inline grow">
          <span class="sr-only">Search the journal</span>
          <input
            type="search"
            maxLength={200}
            placeholder="Search task, agent, reason, target, error"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            data-testid="activity-search"
          />
        </label>
        <span class="muted" data-testid="activity-count">
          {loaded && pages.busy !== 'first' ? countText(entries.length, loaded.total) : pages.busy === 'first' ? 'Searching…' : ''}
        </span>
        <button type="button" onClick={pages.reload} disabled={pages.busy !== null} data-testid="activity-refresh">
          Refresh
        </button>
      </div>
      {pages.error ? (
        <Notice kind="error" testId="activity-error">
          {pages.error}
        </Notice>
      ) : null}
      {loaded && entries.length === 0 && pages.busy !== 'first' ? (
        <p class="empty" data-testid="activity-empty">
          {q ? `Nothing in the journal matches “${q}”.` : 'The journal is empty: nothing has been cleaned yet.'}
        </p>
      ) : (
        <div class="table activity-table" role="table" aria-label="Journal entries">
          <div class="table-head activity-head" role="row">
            <span role="columnheader" aria-sort={order === 'newest' ? 'descending' : 'ascending'}>
              <button
                type="button"
                class="sort-button sorted"
                title={order === 'newest' ? 'Newest first: click for oldest first' : 'Oldest first: click for newest first'}
                onClick={() => update({ params: { order: order === 'newest' ? 'oldest' : null } })}
                data-testid="activity-sort-time"
              >
                Time {order === 'newest' ? '▾ newest first' : '▴ oldest first'}
              </button>
            </span>
            <span role="columnheader">Task</span>
            <span role="columnheader">Agent</span>
            <span role="columnheader">Reason</span>
          </div>
          <VirtualList
            items={items}
            itemSize={activityItemSize}
            itemKey={(i) => i.key}
            testId="activity-list"
            label="Journal entries"
            className="activity-list"
            render={(item) => <ActivityRow item={item} now={now} onToggle={toggle} />}
          />
          {left > 0 ? (
            <div class="list-foot">
              <span class="muted">
                {plural(left, order === 'newest' ? 'older entry' : 'newer entry', order === 'newest' ? 'older entries' : 'newer entries')}{' '}
                not shown
              </span>
              <button type="button" onClick={pages.more} disabled={pages.busy !== null} data-testid="activity-more">
                {pages.busy === 'more'
                  ? 'Loading…'
                  : `${order === 'newest' ? 'Load older' : 'Load newer'} (${Math.min(PAGE, left).toLocaleString('en-US')} more)`}
              </button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
