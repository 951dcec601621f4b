import { useContext, useState } from 'preact/hooks';
import type { ActivityEntry } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { Notice, OutcomeBadge } from '../components/badges.js';
import { VirtualList } from '../components/virtual-list.js';
import { formatAge, formatTime, plural } from '../lib/format.js';
import { useDebounced, useLoader, useNow, useRefreshOn } from '../lib/hooks.js';

const LIMIT = 500;
// Fixed heights (matching the CSS): an entry is its head line plus one line per result.
const HEAD_PX = 28;
const RESULT_PX = 22;
const PAD_PX = 8;

function entrySize(e: ActivityEntry): number {
  return HEAD_PX + RESULT_PX * e.results.length + PAD_PX;
}

export function ActivityView() {
  const { api } = useContext(AppContext);
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 300);
  const activity = useLoader(() => api.activity({ query: q, limit: LIMIT }), [q]);
  useRefreshOn(['action', 'sweep'], activity.reload);
  const now = useNow();
  const entries = activity.data?.entries ?? [];

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
          {activity.data
            ? activity.data.total > entries.length
              ? `newest ${entries.length.toLocaleString('en-US')} of ${plural(activity.data.total, 'entry', 'entries')}`
              : plural(activity.data.total, 'entry', 'entries')
            : activity.loading
              ? 'Searching…'
              : ''}
        </span>
        <button type="button" onClick={activity.reload} disabled={activity.loading} data-testid="activity-refresh">
          Refresh
        </button>
      </div>
      {activity.error ? <Notice kind="error" testId="activity-error">{activity.error}</Notice> : null}
      {activity.data && entries.length === 0 ? (
        <p class="empty" data-testid="activity-empty">
          {q ? `Nothing in the journal matches “${q}”.` : 'The journal is empty: nothing has been cleaned yet.'}
        </p>
      ) : (
        <VirtualList
          items={entries}
          itemSize={entrySize}
          itemKey={(e) => `${e.ts}|${e.task}|${e.agentId}`}
          testId="activity-list"
          label="Journal entries"
          className="activity-list"
          render={(e) => {
            const failed = e.results.some((r) => r.outcome === 'failed');
            return (
              <article class={`activity-entry${failed ? ' failed' : ''}`} data-testid="activity-entry" data-failed={failed ? 'true' : 'false'}>
                <div class="activity-head">
                  <time class="mono" dateTime={e.ts} title={formatAge(e.ts, now)}>
                    {formatTime(e.ts)}
                  </time>
                  <span class="mono ellipsis">{e.task}</span>
                  <span class="mono strong ellipsis">{e.agentId}</span>
                  <span class="muted ellipsis" title={e.reason}>
                    {e.reason}
                  </span>
                </div>
                {e.results.map((r, i) => (
                  <div key={i} class={`activity-result${r.outcome === 'failed' ? ' failed' : ''}`} data-testid="activity-result" data-outcome={r.outcome}>
                    <OutcomeBadge outcome={r.outcome} />
                    <span class="kind">{r.kind}</span>
                    <span class="mono ellipsis" title={r.target}>
                      {r.target}
                    </span>
                    <span class={`ellipsis ${r.error ? 'error-text' : 'muted'}`} title={r.error ?? r.detail ?? ''}>
                      {r.error ?? r.detail ?? ''}
                    </span>
                  </div>
                ))}
              </article>
            );
          }}
        />
      )}
    </section>
  );
}
