import { OutcomeBadge } from '../components/badges.js';
import type { ActivityItem } from '../lib/activity-items.js';
import { formatAge, formatTime } from '../lib/format.js';

// Fixed heights (matching the CSS): the virtualizer never measures.
const HEAD_PX = 30;
const SUMMARY_PX = 26;
const RESULT_PX = 22;

export function activityItemSize(item: ActivityItem): number {
  return item.kind === 'entry' ? HEAD_PX : item.kind === 'summary' ? SUMMARY_PX : RESULT_PX;
}

/** One row of the Activity list: an entry's head, its summary (many results), or one of its results. */
export function ActivityRow({ item, now, onToggle }: { item: ActivityItem; now: number; onToggle: (entryKey: string) => void }) {
  const cls = `activity-part activity-${item.kind}${item.failed ? ' failed' : ''}${item.last ? ' last' : ''}`;
  if (item.kind === 'entry') {
    const e = item.entry;
    return (
      <div class={cls} role="row" data-testid="activity-entry" data-failed={item.failed ? 'true' : 'false'}>
        <div class="activity-head">
          <time role="cell" class="mono" dateTime={e.ts} title={formatAge(e.ts, now)}>
            {formatTime(e.ts)}
          </time>
          <span role="cell" class="mono ellipsis">
            {e.task}
          </span>
          <span role="cell" class="mono strong ellipsis">
            {e.agentId}
          </span>
          <span role="cell" class="muted ellipsis" title={e.reason}>
            {e.reason}
          </span>
        </div>
      </div>
    );
  }
  if (item.kind === 'summary') {
    return (
      <div class={cls} role="row" data-testid="activity-summary">
        <span role="cell">
          <button
            type="button"
            class="small"
            aria-expanded={item.expanded}
            onClick={() => onToggle(item.entryKey)}
            data-testid="activity-expand"
          >
            {item.expanded ? 'Hide files' : `Show all ${item.entry.results.length.toLocaleString('en-US')}`}
          </button>
        </span>
        <span role="cell" class="muted ellipsis" title={item.text}>
          {item.text}
        </span>
      </div>
    );
  }
  const r = item.result;
  return (
    <div
      class={`${cls}${r.outcome === 'failed' ? ' result-failed' : ''}`}
      role="row"
      data-testid="activity-result"
      data-outcome={r.outcome}
    >
      <span role="cell" class="outcome-cell">
        <OutcomeBadge outcome={r.outcome} />
      </span>
      <span role="cell" class="kind">
        {r.kind}
      </span>
      <span role="cell" class="mono ellipsis" title={r.target}>
        {r.target}
      </span>
      <span role="cell" class={`ellipsis ${r.error ? 'error-text' : 'muted'}`} title={r.error ?? r.detail ?? ''}>
        {r.error ?? r.detail ?? ''}
      </span>
    </div>
  );
}
