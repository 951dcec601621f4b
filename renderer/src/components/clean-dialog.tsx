import { useContext, useEffect, useState } from 'preact/hooks';
import { CANCELLED_BY_USER, type AgentRow, type CleanTarget, type SweepReport } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { stepLabel } from '../lib/clean-steps.js';
import { plural } from '../lib/format.js';
import { FinishingNotice, UnfinishedNotice, unfinishedIn } from './clean-notices.js';
import { ActionTable } from './action-table.js';
import { Notice } from './badges.js';
import { Dialog } from './dialog.js';

type Phase =
  | { step: 'previewing' }
  | { step: 'preview'; report: SweepReport }
  | { step: 'cleaning'; report: SweepReport }
  | { step: 'done'; report: SweepReport };

function targetLabel(t: CleanTarget): string {
  if (t.agentId) return `agent ${t.agentId}`;
  if (t.taskDir) return `task ${t.taskDir.split('/').pop() ?? t.taskDir}`;
  return 'every task (full sweep)';
}

/**
 * "Clean now…": first a dry run (previewClean) lists exactly what will be done, and only Confirm runs it (cleanNow
 * with the same target); then the real outcomes are shown, failures with their error. `finishing`: the target's
 * finishing agents, which Clean now stops at once; when the caller does not know them (the header's full sweep),
 * the dialog looks them up.
 */
export function CleanDialog({ target, finishing, onClose }: { target: CleanTarget; finishing?: readonly AgentRow[]; onClose: () => void }) {
  const { api, events } = useContext(AppContext);
  const [phase, setPhase] = useState<Phase>({ step: 'previewing' });
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<readonly AgentRow[]>([]);
  const [progress, setProgress] = useState<string | null>(null);
  const [cancel, setCancel] = useState<string | null>(null);

  useEffect(() => {
    api.previewClean(target).then(
      (report) => setPhase({ step: 'preview', report }),
      (err: unknown) => setError(messageOf(err)),
    );
    // Only for warnings (finishing and working agents): if the listing fails, the preview still stands.
    const inTarget = (r: AgentRow) =>
      (target.taskDir === undefined || r.taskDir === target.taskDir) && (target.agentId === undefined || r.agentId === target.agentId);
    api.listAgents({}).then(
      (all) => setRows(all.filter(inTarget)),
      () => undefined,
    );
    // Once per dialog: the target does not change while it is open.
  }, []);
  useEffect(() => events.subscribe((e) => e.event === 'clean-progress' && e.manual && setProgress(stepLabel(e.step))), [events]);

  const confirm = (report: SweepReport) => {
    setPhase({ step: 'cleaning', report });
    setError(null);
    api.cleanNow(target).then(
      (result) => setPhase({ step: 'done', report: result }),
      (err: unknown) => {
        setError(messageOf(err));
        setPhase({ step: 'preview', report });
      },
    );
  };
  const requestCancel = () => {
    setCancel('Stopping…');
    api.cancelClean({}).then(
      (r) => setCancel(r.message),
      (err: unknown) => setCancel(messageOf(err)),
    );
  };

  const done = phase.step === 'done';
  const cleaning = phase.step === 'cleaning';
  const report = phase.step === 'previewing' ? null : phase.report;
  // After the run, failures come first: they are what needs reading.
  const actions = !report
    ? []
    : done
      ? [...report.actions.filter((a) => a.outcome === 'failed'), ...report.actions.filter((a) => a.outcome !== 'failed')]
      : report.actions;
  const planned = actions.filter((a) => a.outcome === 'planned').length;
  const failed = actions.filter((a) => a.outcome === 'failed').length;
  const cancelled = done ? actions.filter((a) => a.outcome === 'skipped' && a.detail === CANCELLED_BY_USER).length : 0;
  const unfinished = report && !done ? unfinishedIn(report, rows) : [];
  const found = finishing ?? rows.filter((r) => r.verdict === 'finishing');
  return (
    <Dialog
      title={done ? `Cleaned ${targetLabel(target)}` : `Clean ${targetLabel(target)}?`}
      // While it runs, closing the dialog would hide a clean that goes on: Escape and × ask to cancel instead.
      onClose={cleaning ? requestCancel : onClose}
      testId="preview-dialog"
      wide
      footer={
        done ? (
          <button type="button" class="primary" onClick={onClose} data-testid="clean-close">
            Close
          </button>
        ) : (
          <>
            <button
              type="button"
              onClick={cleaning ? requestCancel : onClose}
              disabled={cleaning && cancel !== null}
              data-testid="cancel-clean"
            >
              {cleaning ? 'Stop' : 'Cancel'}
            </button>
            <button
              type="button"
              class={unfinished.length > 0 ? 'danger' : 'primary'}
              disabled={phase.step !== 'preview' || planned === 0}
              onClick={() => report && confirm(report)}
              data-testid="confirm-clean"
            >
              {cleaning
                ? 'Cleaning…'
                : unfinished.length > 0
                  ? `Stop ${plural(unfinished.length, 'working agent')}: run ${plural(planned, 'action')}`
                  : `Confirm: run ${plural(planned, 'action')}`}
            </button>
          </>
        )
      }
    >
      {error ? (
        <Notice kind="error" testId="clean-error">
          {error}
        </Notice>
      ) : null}
      {phase.step === 'previewing' && !error ? <p class="muted">Working out what a sweep would do…</p> : null}
      {!done && found.length > 0 ? <FinishingNotice agents={found} /> : null}
      {unfinished.length > 0 ? <UnfinishedNotice agents={unfinished} /> : null}
      {cleaning ? (
        <p role="status" data-testid="clean-progress">
          {progress ?? 'Starting…'}
          {cancel ? <span class="muted"> · {cancel}</span> : null}
        </p>
      ) : null}
      {cancelled > 0 ? (
        <Notice kind="info" testId="clean-cancelled">
          Stopped on request: {plural(cancelled, 'action')} did not run, and those agents were left as they were.
        </Notice>
      ) : done && cancel !== null ? (
        <Notice kind="info" testId="clean-cancelled">
          Stop came too late: every session was already killed, so the clean was finished (its logs archived) rather than left half done.
        </Notice>
      ) : null}
      {report ? (
        <>
          <p data-testid={done ? 'clean-summary' : 'preview-summary'}>
            {done
              ? failed > 0
                ? `${plural(actions.length - failed, 'action')} done or skipped, ${failed} failed.`
                : `Done: ${plural(actions.filter((a) => a.outcome === 'done').length, 'action')}.`
              : planned === 0
                ? 'Nothing to do: no action is planned for this target.'
                : `These actions will run, in this order (${plural(planned, 'planned action')}${actions.length > planned ? `, ${actions.length - planned} skipped` : ''}).`}
          </p>
          {actions.length > 0 ? (
            <ActionTable actions={actions} testId={done ? 'clean-result' : 'preview-action'} showAgent={!target.agentId} />
          ) : null}
          {report.errors.length > 0 ? (
            <Notice kind="error" testId="clean-input-errors">
              {report.errors.map((e, i) => (
                <div key={i}>
                  <span class="mono">{e.path}</span>: {e.message}
                </div>
              ))}
            </Notice>
          ) : null}
        </>
      ) : null}
    </Dialog>
  );
}
