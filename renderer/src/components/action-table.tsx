import type { ActionResult } from '../../../src/shared/index.js';
import { OutcomeBadge } from './badges.js';

/** A full sweep over thousands of agents plans tens of thousands of actions; a dialog lists this many. */
const MAX_ROWS = 1000;

/** The actions of a sweep report: planned ones in a preview, done/failed ones after the run. */
export function ActionTable({ actions, testId, showAgent }: { actions: readonly ActionResult[]; testId: string; showAgent: boolean }) {
  const shown = actions.length > MAX_ROWS ? actions.slice(0, MAX_ROWS) : actions;
  return (
    <>
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
          {shown.map((a, i) => (
            <tr
              key={i}
              class={a.outcome === 'failed' ? 'row-failed' : undefined}
              data-testid={testId}
              data-outcome={a.outcome}
              data-kind={a.kind}
            >
              {showAgent ? <td class="mono nowrap">{a.agentId}</td> : null}
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
      {shown.length < actions.length ? (
        <p class="muted" data-testid={`${testId}-more`}>
          …and {(actions.length - shown.length).toLocaleString('en-US')} more actions, not listed here.
        </p>
      ) : null}
    </>
  );
}
