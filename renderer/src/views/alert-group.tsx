import { useState } from 'preact/hooks';
import { groupFixLabel, groupFixPlan, groupTitle, type AlertGroup } from '../lib/alert-groups.js';
import { plural } from '../lib/format.js';
import { AlertCard, type FixOutcome } from './alert-card.js';

/** A group shows this many cards until asked for the rest: 2,000 orphan cards would drown the other alerts. */
const SHOWN = 10;

/** Alerts of one kind under one heading, with their count and the group's one fix. */
export function AlertGroupView(props: {
  group: AlertGroup;
  selectedId: string | null;
  now: number;
  outcomes: ReadonlyMap<string, FixOutcome>;
  onOutcome: (id: string, o: FixOutcome) => void;
  /** Opens the group fix's dialog, which the view holds: the group may be gone once its alerts are fixed. */
  onFix: () => void;
}) {
  const { kind, alerts } = props.group;
  const [all, setAll] = useState(false);
  const plan = groupFixPlan(alerts);
  const shown = all ? alerts : alerts.filter((a, i) => i < SHOWN || a.id === props.selectedId);
  return (
    <section
      class="alert-group"
      data-testid={`alert-group-${kind}`}
      data-count={alerts.length}
      aria-label={groupTitle(kind, alerts.length)}
    >
      <header class="alert-group-head">
        <h2 data-testid={`alert-group-title-${kind}`}>{groupTitle(kind, alerts.length)}</h2>
        {plan.fixable.length > 0 ? (
          <button type="button" onClick={props.onFix} data-testid={`alert-group-fix-${kind}`}>
            {groupFixLabel(kind, plan.fixable.length)}…
          </button>
        ) : (
          <span class="muted" data-testid={`alert-group-nofix-${kind}`}>
            No group fix: none of these can be fixed by one click now.
          </span>
        )}
        {plan.blocked.length > 0 ? (
          <span class="error-text" data-testid={`alert-group-blocked-${kind}`}>
            {plural(plan.blocked.length, 'is', 'are')} left out: {plan.blocked.length === 1 ? 'its' : 'their'} fix cannot run now (the
            reason is on each).
          </span>
        ) : null}
      </header>
      <div class="alert-group-cards">
        {shown.map((a) => (
          <AlertCard
            key={a.id}
            alert={a}
            selected={a.id === props.selectedId}
            now={props.now}
            outcome={props.outcomes.get(a.id) ?? null}
            onOutcome={(o) => props.onOutcome(a.id, o)}
          />
        ))}
      </div>
      {shown.length < alerts.length ? (
        <button type="button" class="small" onClick={() => setAll(true)} data-testid={`alert-group-more-${kind}`}>
          Show the other {plural(alerts.length - shown.length, 'alert')}
        </button>
      ) : null}
    </section>
  );
}
