import { useContext, useEffect, useState } from 'preact/hooks';
import type { AgentRow, CleanTarget, SweepReport } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { plural } from '../lib/format.js';
import { ActionTable } from './action-table.js';
import { Notice } from './badges.js';
import { Dialog } from './dialog.js';

type Phase = { step: 'previewing' } | { step: 'preview'; report: SweepReport } | { step: 'cleaning'; report: SweepReport } | { step: 'done'; report: SweepReport };

function targetLabel(t: CleanTarget): string {
  if (t.agentId) return `agent ${t.agentId}`;
  if (t.taskDir) return `task ${t.taskDir.split('/').pop() ?? t.taskDir}`;
  return 'every task (full sweep)';
}

/** Clean now does not wait out a finish grace: say so before the confirm, since it stops processes still at work. */
function FinishingNotice({ agents }: { agents: readonly Pick<AgentRow, 'agentId' | 'status'>[] }) {
  const one = agents.length === 1 ? agents[0] : undefined;
  return (
    <Notice kind="warn" testId="preview-finishing">
      {one ? (
        <>
          <span class="mono">{one.agentId}</span> has finished (status {one.status}), but its processes are still running: it is
          in its finish grace, left to exit on its own. Cleaning now does not wait: its processes will be stopped and its session
          killed.
        </>
      ) : (
        <>
          {plural(agents.length, 'agent')} have finished but their processes are still running (in their finish grace). Cleaning
          now does not wait: their processes will be stopped and their sessions killed.
        </>
      )}
    </Notice>
  );
}

/**
 * "Clean now…": first a dry run (previewClean) lists exactly what will be done, and only Confirm runs it (cleanNow
 * with the same target); then the real outcomes are shown, failures with their error. `finishing`: the target's
 * finishing agents, which Clean now stops at once; when the caller does not know them (the header's full sweep),
 * the dialog looks them up.
 */
export function CleanDialog({ target, finishing, onClose }: { target: CleanTarget; finishing?: readonly AgentRow[]; onClose: () => void }) {
  const { api } = useContext(AppContext);
  const [phase, setPhase] = useState<Phase>({ step: 'previewing' });
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<readonly AgentRow[]>(finishing ?? []);

  useEffect(() => {
    api.previewClean(target).then(
      (report) => setPhase({ step: 'preview', report }),
      (err: unknown) => setError(messageOf(err)),
    );
    // Only a warning: if the listing fails, the preview still stands.
    if (!finishing) {
      const inTarget = (r: AgentRow) => (target.taskDir === undefined || r.taskDir === target.taskDir) && (target.agentId === undefined || r.agentId === target.agentId);
      api.listAgents({}).then((rows) => setFound(rows.filter((r) => r.verdict === 'finishing' && inTarget(r))), () => undefined);
    }
    // Once per dialog: the target does not change while it is open.
  }, []);

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

  const done = phase.step === 'done';
  const report = phase.step === 'previewing' ? null : phase.report;
  // After the run, failures come first: they are what needs reading.
  const actions = !report ? [] : done ? [...report.actions.filter((a) => a.outcome === 'failed'), ...report.actions.filter((a) => a.outcome !== 'failed')] : report.actions;
  const planned = actions.filter((a) => a.outcome === 'planned').length;
  const failed = actions.filter((a) => a.outcome === 'failed').length;
  return (
    <Dialog
      title={done ? `Cleaned ${targetLabel(target)}` : `Clean ${targetLabel(target)}?`}
      onClose={onClose}
      testId="preview-dialog"
      wide
      footer={
        done ? (
          <button type="button" class="primary" onClick={onClose} data-testid="clean-close">
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={onClose} data-testid="cancel-clean">
              Cancel
            </button>
            <button
              type="button"
              class="primary"
              disabled={phase.step !== 'preview' || planned === 0}
              onClick={() => report && confirm(report)}
              data-testid="confirm-clean"
            >
              {phase.step === 'cleaning' ? 'Cleaning…' : `Confirm: run ${plural(planned, 'action')}`}
            </button>
          </>
        )
      }
    >
      {error ? <Notice kind="error" testId="clean-error">{error}</Notice> : null}
      {phase.step === 'previewing' && !error ? <p class="muted">Working out what a sweep would do…</p> : null}
      {!done && found.length > 0 ? <FinishingNotice agents={found} /> : null}
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
          {actions.length > 0 ? <ActionTable actions={actions} testId={done ? 'clean-result' : 'preview-action'} showAgent={!target.agentId} /> : null}
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
