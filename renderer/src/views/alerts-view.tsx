import { useContext, useMemo, useState } from 'preact/hooks';
import type { Alert, AlertKind } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { Notice } from '../components/badges.js';
import { groupAlerts, groupFixLabel, isGroup } from '../lib/alert-groups.js';
import { useLoader, useNow, useRefreshOn } from '../lib/hooks.js';
import { AlertCard, type FixOutcome } from './alert-card.js';
import { AlertGroupView } from './alert-group.js';
import { GroupFixDialog, type GroupResult } from './group-fix-dialog.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function AlertsView() {
  const { api, route } = useContext(AppContext);
  const alerts = useLoader(() => api.listAlerts({}), []);
  useRefreshOn(['sweep', 'action', 'orphan', 'stalled', 'breaker', 'idle-warning', 'error'], alerts.reload);
  const now = useNow();
  // Fix results outlive their cards: a fixed alert is gone from the next listing, its result stays on top.
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, FixOutcome>>(new Map());
  const [groupOutcome, setGroupOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [groupFix, setGroupFix] = useState<{ kind: AlertKind; alerts: Alert[] } | null>(null);
  const sorted = useMemo(
    () => [...(alerts.data ?? [])].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.since < b.since ? 1 : -1)),
    [alerts.data],
  );
  const items = useMemo(() => groupAlerts(sorted), [sorted]);
  const missing = route.id !== null && alerts.data !== null && !alerts.data.some((a) => a.id === route.id) && !outcomes.has(route.id);
  const listed = new Set(sorted.map((a) => a.id));
  const onOutcome = (id: string, o: FixOutcome) => {
    setOutcomes((cur) => new Map(cur).set(id, o));
    alerts.reload();
  };
  // A group's results: one line on top, and on each card still listed after its fix failed, why.
  const onGroupDone = (kind: AlertKind, results: GroupResult[]) => {
    const failed = results.filter((r) => !r.ok);
    setGroupOutcome({
      ok: failed.length === 0,
      text: `${groupFixLabel(kind, results.length)}: ${results.length - failed.length} done${failed.length > 0 ? `, ${failed.length} failed` : ''}.`,
    });
    setOutcomes((cur) => {
      const next = new Map(cur);
      for (const r of failed) next.set(r.id, { title: r.title, ok: false, message: r.message });
      return next;
    });
    alerts.reload();
  };

  return (
    <section class="view view-alerts" aria-labelledby="alerts-title">
      <div class="toolbar">
        <h1 id="alerts-title">Alerts</h1>
        <div class="spacer" />
        <button type="button" onClick={alerts.reload} disabled={alerts.loading} data-testid="alerts-refresh">
          Refresh
        </button>
      </div>
      {alerts.error ? (
        <Notice kind="error" testId="alerts-error">
          {alerts.error}
        </Notice>
      ) : null}
      {missing ? (
        <Notice kind="info" testId="alert-gone">
          The alert this link pointed to is gone: its problem was fixed or went away.
        </Notice>
      ) : null}
      {[...outcomes]
        .filter(([id]) => !listed.has(id))
        .map(([id, o]) => (
          <Notice key={id} kind={o.ok ? 'ok' : 'error'} testId={`alert-result-${id}`}>
            {o.title}: {o.message}
          </Notice>
        ))}
      {groupOutcome ? (
        <Notice kind={groupOutcome.ok ? 'ok' : 'error'} testId="alert-group-outcome">
          {groupOutcome.text}
        </Notice>
      ) : null}
      <div class="scroll-area alert-list" data-testid="alerts-list">
        {alerts.data && sorted.length === 0 ? (
          <p class="empty" data-testid="alerts-empty">
            No alerts: no orphans, ghosts, stuck cleanups or idle warnings right now.
          </p>
        ) : (
          items.map((item) =>
            isGroup(item) ? (
              <AlertGroupView
                key={`group:${item.kind}`}
                group={item}
                selectedId={route.id}
                now={now}
                outcomes={outcomes}
                onOutcome={onOutcome}
                onFix={() => setGroupFix({ kind: item.kind, alerts: item.alerts })}
              />
            ) : (
              <AlertCard
                key={item.id}
                alert={item}
                selected={item.id === route.id}
                now={now}
                outcome={outcomes.get(item.id) ?? null}
                onOutcome={(o) => onOutcome(item.id, o)}
              />
            ),
          )
        )}
      </div>
      {groupFix ? (
        <GroupFixDialog
          kind={groupFix.kind}
          alerts={groupFix.alerts}
          onDone={(r) => onGroupDone(groupFix.kind, r)}
          onClose={() => setGroupFix(null)}
        />
      ) : null}
    </section>
  );
}
