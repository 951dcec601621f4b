import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { alertRoute, type Alert } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice, SeverityBadge } from '../components/badges.js';
import { formatAge, formatTime } from '../lib/format.js';
import { formatHash } from '../lib/route.js';

/** A fix is asked to be confirmed, then runs. */
type FixStep = 'confirm' | 'fixing' | null;
export interface FixOutcome {
  title: string;
  ok: boolean;
  message: string;
}

/** One alert: what is wrong, where, and its fix (confirmed first, or disabled with the reason it cannot run). */
export function AlertCard(props: {
  alert: Alert;
  selected: boolean;
  now: number;
  outcome: FixOutcome | null;
  onOutcome: (o: FixOutcome) => void;
}) {
  const { alert, selected, now, outcome } = props;
  const { api } = useContext(AppContext);
  const [fix, setFix] = useState<FixStep>(null);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'center' });
  }, [selected]);

  const runFix = () => {
    setFix('fixing');
    api.fixAlert({ id: alert.id }).then(
      (r) => {
        setFix(null);
        props.onOutcome({ title: alert.title, ok: r.ok, message: r.message });
      },
      (err: unknown) => {
        setFix(null);
        props.onOutcome({ title: alert.title, ok: false, message: messageOf(err) });
      },
    );
  };

  return (
    <article
      ref={ref}
      class={`alert-card severity-${alert.severity}${selected ? ' selected' : ''}`}
      data-testid={`alert-${alert.id}`}
      data-kind={alert.kind}
      aria-current={selected ? 'true' : undefined}
      tabIndex={-1}
    >
      <header class="alert-head">
        <SeverityBadge severity={alert.severity} />
        <span class="badge kind">{alert.kind}</span>
        <h2 class="alert-title">
          <a href={alertRoute(alert.id)}>{alert.title}</a>
        </h2>
        <span class="muted" title={formatTime(alert.since)}>
          since {formatAge(alert.since, now)}
        </span>
      </header>
      <p class="alert-explanation">{alert.explanation}</p>
      {alert.task || alert.agentId ? (
        <p class="alert-where muted">
          {alert.task ? (
            <>
              task{' '}
              <a class="mono" href={formatHash({ view: 'agents', params: { task: alert.task } })}>
                {alert.task}
              </a>
            </>
          ) : null}
          {alert.agentId ? (
            <>
              {alert.task ? ' · ' : ''}agent <span class="mono">{alert.agentId}</span>
            </>
          ) : null}
        </p>
      ) : null}
      <footer class="alert-actions">
        {alert.fix === null ? (
          <span class="muted" data-testid={`alert-nofix-${alert.id}`}>
            Nothing one click can safely do: see above.
          </span>
        ) : fix !== null ? (
          <div class="fix-confirm" role="group" aria-label="Confirm fix">
            <span data-testid={`alert-effect-${alert.id}`}>{alert.fix.effect}</span>
            <button type="button" onClick={() => setFix(null)} disabled={fix === 'fixing'}>
              Cancel
            </button>
            <button
              type="button"
              class="primary"
              onClick={runFix}
              disabled={fix === 'fixing'}
              data-testid={`alert-fix-confirm-${alert.id}`}
            >
              {fix === 'fixing' ? 'Working…' : `Confirm: ${alert.fix.label}`}
            </button>
          </div>
        ) : alert.fix.blocked ? (
          <>
            <button type="button" disabled aria-describedby={`alert-blocked-${alert.id}`} data-testid={`alert-fix-${alert.id}`}>
              {alert.fix.label}
            </button>
            <span class="error-text" id={`alert-blocked-${alert.id}`} data-testid={`alert-blocked-${alert.id}`}>
              {alert.fix.blocked}
            </span>
          </>
        ) : (
          <>
            <button type="button" onClick={() => setFix('confirm')} data-testid={`alert-fix-${alert.id}`} title={alert.fix.effect}>
              {alert.fix.label}
            </button>
            <span class="muted">{alert.fix.effect}</span>
          </>
        )}
        {outcome ? (
          <Notice kind={outcome.ok ? 'ok' : 'error'} testId={`alert-result-${alert.id}`}>
            {outcome.message}
          </Notice>
        ) : null}
      </footer>
    </article>
  );
}
