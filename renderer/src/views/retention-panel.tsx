import { useContext, useState } from 'preact/hooks';
import type { RetentionPlan } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { ConfirmDialog } from '../components/dialog.js';
import { formatAge, formatBytes, formatTime, plural } from '../lib/format.js';
import { useLoader, useNow } from '../lib/hooks.js';

function limits(plan: RetentionPlan): string {
  const parts: string[] = [];
  if (plan.maxAgeDays !== null) parts.push(`older than ${plan.maxAgeDays} days`);
  if (plan.maxBytesPerRoot !== null) parts.push(`past ${formatBytes(plan.maxBytesPerRoot)} per root`);
  return parts.length === 0 ? 'No retention limit is set: every archive is kept.' : `Archives ${parts.join(' or ')} are removed, oldest first.`;
}

/** previewRetention: what the limits would remove and why; Apply (after a confirm) removes exactly that. */
export function RetentionPanel({ onApplied }: { onApplied: () => void }) {
  const { api } = useContext(AppContext);
  const plan = useLoader(() => api.previewRetention({}), []);
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const now = useNow();

  const apply = () => {
    setBusy(true);
    api
      .applyRetention({})
      .then(
        (done) => {
          setResult({ ok: true, text: `Removed ${plural(done.remove.length, 'archive file')}, reclaimed ${formatBytes(done.reclaimBytes)}.` });
          plan.reload();
          onApplied();
        },
        (err: unknown) => setResult({ ok: false, text: messageOf(err) }),
      )
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };

  const p = plan.data;
  return (
    <section class="panel retention-panel" data-testid="retention-panel" aria-labelledby="retention-title">
      <header class="panel-head">
        <h2 id="retention-title">Retention</h2>
        {p ? (
          <span class="muted" data-testid="retention-summary">
            {limits(p)} {p.remove.length > 0 ? `Now: ${plural(p.remove.length, 'file')}, ${formatBytes(p.reclaimBytes)} to reclaim.` : 'Nothing to remove now.'}
          </span>
        ) : null}
        <div class="spacer" />
        {p && p.remove.length > 0 ? (
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="retention-toggle">
            {open ? 'Hide list' : 'Show list'}
          </button>
        ) : null}
        <button type="button" class="danger" disabled={!p || p.remove.length === 0 || busy} onClick={() => setConfirming(true)} data-testid="retention-apply">
          Apply…
        </button>
      </header>
      {plan.error ? <Notice kind="error" testId="retention-error">{plan.error}</Notice> : null}
      {result ? (
        <Notice kind={result.ok ? 'ok' : 'error'} testId="retention-result">
          {result.text}
        </Notice>
      ) : null}
      {open && p ? (
        <div class="retention-list">
          <table class="grid-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Archived</th>
                <th scope="col" class="num">Stored</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {p.remove.map((r) => (
                <tr key={`${r.taskDir}/${r.path}`} data-testid="retention-item">
                  <td class="mono wrap-anywhere">
                    {r.taskDir.split('/').pop()}/{r.path}
                  </td>
                  <td title={formatTime(r.archivedAt)}>{formatAge(r.archivedAt, now)}</td>
                  <td class="num">{formatBytes(r.storedBytes)}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {confirming && p ? (
        <ConfirmDialog title="Apply retention?" confirmLabel={`Delete ${plural(p.remove.length, 'file')}`} danger busy={busy} onConfirm={apply} onCancel={() => setConfirming(false)} testId="retention-confirm">
          <p>
            This permanently deletes {plural(p.remove.length, 'archived log')} ({formatBytes(p.reclaimBytes)}). {limits(p)}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
