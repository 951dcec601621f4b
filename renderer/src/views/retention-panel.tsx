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
  if (plan.maxAgeDays !== null) parts.push(`older than ${plural(plan.maxAgeDays, 'day')}`);
  if (plan.maxBytesPerRoot !== null) parts.push(`past ${formatBytes(plan.maxBytesPerRoot)} per root`);
  const kept =
    parts.length === 0 ? 'No retention limit is set: every archive is kept.' : `Archives ${parts.join(' or ')} are removed, oldest first.`;
  if (plan.compressAfterDays === null) return `${kept} Archived files are not compressed.`;
  if (plan.compressAfterDays === 0) return `${kept} Archived files are gzipped as they are archived.`;
  return `${kept} Archived files stay uncompressed for ${plural(plan.compressAfterDays, 'day')}, then are gzipped in place.`;
}

function pending(plan: RetentionPlan): string {
  const parts: string[] = [];
  if (plan.compress.length > 0) {
    const age = plan.compressAfterDays === null ? '' : `, archived over ${plural(plan.compressAfterDays, 'day')} ago`;
    parts.push(`${plural(plan.compress.length, 'file')} will be compressed (${formatBytes(plan.compressBytes)}${age})`);
  }
  if (plan.remove.length > 0) parts.push(`${plural(plan.remove.length, 'file')}, ${formatBytes(plan.reclaimBytes)} to reclaim`);
  return parts.length === 0 ? 'Nothing to do now.' : `Now: ${parts.join('; ')}.`;
}

const work = (plan: RetentionPlan): number => plan.compress.length + plan.remove.length;

/** previewRetention: what the pass would compress and remove, and why; Apply (after a confirm) works through that. */
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
          const compressed = done.compress.length > 0 ? ` Compressed ${plural(done.compress.length, 'file')}.` : '';
          const skipped = done.skipped.length > 0 ? ` Left ${plural(done.skipped.length, 'file')} alone: ${done.skipped[0]!.reason}` : '';
          setResult({
            ok: true,
            text: `Removed ${plural(done.remove.length, 'archive file')}, reclaimed ${formatBytes(done.reclaimBytes)}.${compressed}${skipped}`,
          });
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
            {limits(p)} {pending(p)}
          </span>
        ) : null}
        <div class="spacer" />
        {p && work(p) > 0 ? (
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="retention-toggle">
            {open ? 'Hide list' : 'Show list'}
          </button>
        ) : null}
        <button
          type="button"
          class="danger"
          disabled={!p || work(p) === 0 || busy}
          onClick={() => setConfirming(true)}
          data-testid="retention-apply"
        >
          Apply…
        </button>
      </header>
      {plan.error ? (
        <Notice kind="error" testId="retention-error">
          {plan.error}
        </Notice>
      ) : null}
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
                <th scope="col">Action</th>
                <th scope="col">File</th>
                <th scope="col">Archived</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {p.compress.map((r) => (
                <tr key={`compress:${r.taskDir}/${r.path}`} data-testid="retention-item">
                  <td>compress</td>
                  <td class="mono wrap-anywhere">
                    {r.taskDir.split('/').pop()}/{r.path}
                  </td>
                  <td title={formatTime(r.archivedAt)}>{formatAge(r.archivedAt, now)}</td>
                  <td class="num">{formatBytes(r.bytes)}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
              {p.remove.map((r) => (
                <tr key={`${r.taskDir}/${r.path}`} data-testid="retention-item">
                  <td>delete</td>
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
        <ConfirmDialog
          title="Apply retention?"
          confirmLabel={p.remove.length > 0 ? `Delete ${plural(p.remove.length, 'file')}` : `Compress ${plural(p.compress.length, 'file')}`}
          danger
          busy={busy}
          onConfirm={apply}
          onCancel={() => setConfirming(false)}
          testId="retention-confirm"
        >
          <p>
            This permanently deletes {plural(p.remove.length, 'archived log')} ({formatBytes(p.reclaimBytes)})
            {p.compress.length > 0 ? ` and gzips ${plural(p.compress.length, 'archived log')} in place` : ''}. {limits(p)}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
