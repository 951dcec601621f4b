import { useContext, useState } from 'preact/hooks';
import { LIMITS, type Alert, type AlertKind } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { Dialog } from '../components/dialog.js';
import { chunks, groupFixLabel, groupFixPlan } from '../lib/alert-groups.js';
import { plural } from '../lib/format.js';

export interface GroupResult {
  id: string;
  title: string;
  ok: boolean;
  message: string;
}

/**
 * A group's one fix: first the list of exactly what it does (each alert's own effect) and what it leaves out
 * (blocked fixes, with why), then `fixAlerts` for those listed (in calls the API's cap allows), then each result.
 */
export function GroupFixDialog(props: {
  kind: AlertKind;
  alerts: readonly Alert[];
  onDone: (results: GroupResult[]) => void;
  onClose: () => void;
}) {
  const { api } = useContext(AppContext);
  // The plan is fixed when the dialog opens: a refresh meanwhile does not change what Confirm does.
  const [plan] = useState(() => groupFixPlan(props.alerts));
  const [step, setStep] = useState<'preview' | 'running' | 'done'>('preview');
  const [results, setResults] = useState<GroupResult[]>([]);
  const label = groupFixLabel(props.kind, plan.fixable.length);

  const run = async () => {
    setStep('running');
    const titles = new Map(plan.fixable.map((a) => [a.id, a.title]));
    const out: GroupResult[] = [];
    for (const ids of chunks(
      plan.fixable.map((a) => a.id),
      LIMITS.pins,
    )) {
      try {
        const r = await api.fixAlerts({ ids });
        out.push(...r.results.map((x) => ({ id: x.id, title: titles.get(x.id) ?? x.id, ok: x.ok, message: x.message })));
      } catch (err: unknown) {
        out.push(...ids.map((id) => ({ id, title: titles.get(id) ?? id, ok: false, message: messageOf(err) })));
      }
    }
    setResults(out);
    setStep('done');
    props.onDone(out);
  };
  const failed = results.filter((r) => !r.ok).length;

  const footer =
    step === 'done' ? (
      <button type="button" class="primary" onClick={props.onClose} data-testid="alert-group-close">
        Close
      </button>
    ) : (
      <>
        <button type="button" onClick={props.onClose} disabled={step === 'running'} data-testid="alert-group-cancel">
          Cancel
        </button>
        <button
          type="button"
          class="primary"
          onClick={() => void run()}
          disabled={step === 'running' || plan.fixable.length === 0}
          data-testid="alert-group-confirm"
        >
          {step === 'running' ? 'Working…' : `Confirm: ${label}`}
        </button>
      </>
    );

  return (
    <Dialog
      title={`${label}?`}
      onClose={() => (step === 'running' ? undefined : props.onClose())}
      testId="alert-group-dialog"
      footer={footer}
      wide
    >
      {step === 'done' ? (
        <>
          <Notice kind={failed === 0 ? 'ok' : 'error'} testId="alert-group-summary">
            {failed === 0 ? `All ${plural(results.length, 'fix', 'fixes')} done.` : `${results.length - failed} done, ${failed} failed.`}
          </Notice>
          <ul class="group-list">
            {results.map((r) => (
              <li
                key={r.id}
                class={r.ok ? undefined : 'error-text'}
                data-testid="alert-group-result"
                data-alert-id={r.id}
                data-ok={r.ok ? 'true' : 'false'}
              >
                <span class="strong">{r.title}</span>: {r.message}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <p data-testid="alert-group-what">This does, in turn, for each of these {plural(plan.fixable.length, 'alert')}:</p>
          <ul class="group-list">
            {plan.fixable.map((a) => (
              <li key={a.id} data-testid="alert-group-effect" data-alert-id={a.id}>
                <span class="strong">{a.title}</span>: {a.fix?.effect}
              </li>
            ))}
          </ul>
          {plan.blocked.length > 0 ? (
            <>
              <p class="error-text">Left out, their fix cannot run now:</p>
              <ul class="group-list">
                {plan.blocked.map((a) => (
                  <li key={a.id} data-testid="alert-group-left-out" data-alert-id={a.id}>
                    <span class="strong">{a.title}</span>: {a.fix?.blocked}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {plan.noFix.length > 0 ? (
            <p class="muted">{plural(plan.noFix.length, 'alert has', 'alerts have')} no fix one click can safely do: left as they are.</p>
          ) : null}
        </>
      )}
    </Dialog>
  );
}
