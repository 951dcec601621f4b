import type { ActionResult } from '../../../src/shared/index.js';
import { OutcomeBadge } from './badges.js';

/** The actions of a sweep report: planned ones in a preview, done/failed ones after the run. */
export function ActionTable({ actions, testId, showAgent }: { actions: readonly ActionResult[]; testId: string; showAgent: boolean }) {
  return (
    <table class="grid-table actions-table">
      <thead>
        <tr>
          {showAgent ? <th scope="col">Agent</th> : null}
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Reason</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a, i) => (
          <tr key={i} class={a.outcome === 'failed' ? 'row-failed' : undefined} data-testid={testId} data-outcome={a.outcome} data-kind={a.kind}>
            {showAgent ? <td class="mono">{a.agentId}</td> : null}
            <td class="nowrap">{a.kind}</td>
            <td class="mono wrap-anywhere">{a.target}</td>
            <td>
              {a.reason}
              {a.detail ? <div class="muted">{a.detail}</div> : null}
              {a.error ? (
                <div class="error-text" data-testid={`${testId}-error`}>
                  {a.error}
                </div>
              ) : null}
            </td>
            <td>
              <OutcomeBadge outcome={a.outcome} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
