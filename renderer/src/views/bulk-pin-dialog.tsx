import type { AgentRow } from '../../../src/shared/index.js';
import { ConfirmDialog } from '../components/dialog.js';
import { plural } from '../lib/format.js';

/** The dialog lists this many agents by name; the rest are counted. */
const LISTED = 200;

/**
 * "Pin selected" / "Unpin selected" asks first, naming each agent it changes; those already as asked are counted
 * and left alone.
 */
export function BulkPinDialog(props: {
  rows: readonly AgentRow[];
  pinned: boolean;
  busy: boolean;
  onConfirm: (ids: string[]) => void;
  onCancel: () => void;
}) {
  const { rows, pinned } = props;
  const change = rows.filter((r) => r.pinned !== pinned);
  const ids = [...new Set(change.map((r) => r.agentId))];
  const already = rows.length - change.length;
  const verb = pinned ? 'Pin' : 'Unpin';
  return (
    <ConfirmDialog
      title={`${verb} ${plural(ids.length, 'agent')}?`}
      confirmLabel={ids.length === 0 ? 'Nothing to change' : `${verb} ${plural(ids.length, 'agent')}`}
      busy={props.busy || ids.length === 0}
      onConfirm={() => props.onConfirm(ids)}
      onCancel={props.onCancel}
      testId="bulk-pin-confirm"
    >
      <p data-testid="bulk-pin-summary">
        {pinned
          ? 'A pinned agent is never cleaned by the janitor on its own, finished or idle, until it is unpinned; Clean now still can.'
          : 'An unpinned agent is cleaned again when it finishes or goes idle.'}
      </p>
      <ul class="bulk-list">
        {change.slice(0, LISTED).map((r) => (
          <li key={`${r.taskDir}/${r.agentId}`} data-testid="bulk-pin-agent" data-agent={r.agentId}>
            <span class="mono">{r.agentId}</span> <span class="muted">in {r.task}</span>
          </li>
        ))}
      </ul>
      {change.length > LISTED ? <p class="muted">…and {(change.length - LISTED).toLocaleString('en-US')} more.</p> : null}
      {already > 0 ? (
        <p class="muted" data-testid="bulk-pin-unchanged">
          {plural(already, 'selected agent is', 'selected agents are')} already {pinned ? 'pinned' : 'unpinned'}: left as{' '}
          {already === 1 ? 'it is' : 'they are'}.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
