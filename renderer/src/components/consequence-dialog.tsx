import type { SettingsConsequence } from '../../../src/shared/index.js';
import { formatBytes, plural } from '../lib/format.js';
import { Notice, VerdictBadge } from './badges.js';
import { Dialog } from './dialog.js';

/** How many rows of each list the dialog shows; the counts above always cover all of them. */
const SHOWN = 50;

function AgentsToClean({ consequence }: { consequence: SettingsConsequence }) {
  const unfinished = consequence.clean.filter((a) => a.unfinished);
  return (
    <section aria-label="Agents this change cleans">
      <p data-testid="consequence-clean-count">
        The next sweep will clean {plural(consequence.clean.length, 'agent')} that the settings in force leave alone: their sessions are
        killed, their processes stopped and their logs archived.
      </p>
      {unfinished.length > 0 ? (
        <Notice kind="error" testId="consequence-unfinished">
          {unfinished.length === consequence.clean.length
            ? 'All of them are'
            : `${plural(unfinished.length, 'agent')} of them ${unfinished.length === 1 ? 'is' : 'are'}`}{' '}
          still unfinished in the registry (
          {unfinished
            .slice(0, 5)
            .map((a) => a.agentId)
            .join(', ')}
          {unfinished.length > 5 ? ', …' : ''}): their work in progress stops.
        </Notice>
      ) : null}
      <table class="grid-table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Task</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {consequence.clean.slice(0, SHOWN).map((a) => (
            <tr key={`${a.task}/${a.agentId}`} data-testid="consequence-agent">
              <td class="mono">{a.agentId}</td>
              <td class="mono">{a.task.split('/').pop()}</td>
              <td>
                <VerdictBadge verdict={a.verdict} /> {a.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {consequence.clean.length > SHOWN ? <p class="muted">and {consequence.clean.length - SHOWN} more.</p> : null}
    </section>
  );
}

function FilesList({
  files,
  verb,
  testId,
}: {
  files: readonly { taskDir: string; path: string; archivedAt: string }[];
  verb: string;
  testId: string;
}) {
  return (
    <ul class="consequence-files" data-testid={testId}>
      {files.slice(0, SHOWN).map((f) => (
        <li key={`${f.taskDir}/${f.path}`} class="mono">
          {f.taskDir.split('/').pop()}/{f.path}
        </li>
      ))}
      {files.length > SHOWN ? (
        <li class="muted">
          and {files.length - SHOWN} more {verb}.
        </li>
      ) : null}
    </ul>
  );
}

/**
 * Shown before a settings save that would clean agents or delete archives: exactly what the change causes (the
 * engine's dry runs under the old and the new settings), and a confirm, styled as dangerous when it stops unfinished
 * agents or deletes files. Cancel saves nothing.
 */
export function ConsequenceDialog({
  consequence,
  saving,
  onConfirm,
  onCancel,
}: {
  consequence: SettingsConsequence;
  saving: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dangerous = consequence.clean.some((a) => a.unfinished) || consequence.remove.length > 0;
  const removedBytes = consequence.remove.reduce((n, f) => n + f.storedBytes, 0);
  return (
    <Dialog
      title="Saving this change will…"
      onClose={onCancel}
      testId="consequence-dialog"
      wide
      footer={
        <>
          <button type="button" onClick={onCancel} data-testid="consequence-cancel">
            Cancel, save nothing
          </button>
          <button
            type="button"
            class={dangerous ? 'danger' : 'primary'}
            disabled={saving}
            onClick={onConfirm}
            data-testid="consequence-confirm"
          >
            {saving ? 'Saving…' : 'Save and apply'}
          </button>
        </>
      }
    >
      {consequence.clean.length > 0 ? <AgentsToClean consequence={consequence} /> : null}
      {consequence.remove.length > 0 ? (
        <section aria-label="Archived files this change deletes">
          <p data-testid="consequence-remove-count">
            Retention will delete {plural(consequence.remove.length, 'archived file')} ({formatBytes(removedBytes)}), for good.
          </p>
          <FilesList files={consequence.remove} verb="files" testId="consequence-remove" />
        </section>
      ) : null}
      {consequence.compress.length > 0 ? (
        <section aria-label="Archived files this change compresses">
          <p data-testid="consequence-compress-count">
            Retention will gzip {plural(consequence.compress.length, 'archived file')} in place (they stay readable in the window).
          </p>
          <FilesList files={consequence.compress} verb="files" testId="consequence-compress" />
        </section>
      ) : null}
    </Dialog>
  );
}
