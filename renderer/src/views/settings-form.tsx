import type { FieldIssue, Settings, WindowSettingPath } from '../../../src/shared/index.js';
import { Notice } from '../components/badges.js';
import { ConsequenceDialog } from '../components/consequence-dialog.js';
import { hasFormField, isOverridden, issuesByPath } from '../lib/settings-form.js';
import {
  AgentsSection,
  ArchiveSection,
  IdleSection,
  LimitsSection,
  NotificationsSection,
  type FieldState,
  type SectionProps,
} from './settings-sections.js';
import { useSettingsSave, type SaveState } from './use-settings-save.js';

/** Issues of config paths the form has no field for (the whole file, keys it does not edit). */
function OtherIssues({ issues }: { issues: FieldIssue[] }) {
  return (
    <Notice kind="error" testId="settings-other-errors">
      {issues.map((i) => (
        <div key={i.path} data-testid={`settings-error-${i.path}`}>
          <span class="mono">{i.path || '(config)'}</span>: {i.message}
        </div>
      ))}
    </Notice>
  );
}

function FormActions({ save, dirty, onDiscard }: { save: SaveState; dirty: boolean; onDiscard: () => void }) {
  return (
    <div class="form-actions">
      <button type="submit" class="primary" disabled={save.step === 'saving'} data-testid="settings-save">
        {save.step === 'saving' ? 'Saving…' : 'Save'}
      </button>
      <button type="button" disabled={!dirty || save.step === 'saving'} onClick={onDiscard} data-testid="settings-reset">
        Discard changes
      </button>
      {save.step === 'saved' ? (
        <span class="ok-text" role="status" data-testid="settings-saved">
          Saved.
        </span>
      ) : null}
      {save.step === 'failed' ? (
        <span class="error-text" role="alert" data-testid="settings-save-error">
          {save.message}
        </span>
      ) : null}
      {dirty && save.step === 'idle' ? <span class="muted">Unsaved changes.</span> : null}
    </div>
  );
}

export function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const form = useSettingsSave(settings, onSaved);
  const { pending, save } = form;
  const errors = issuesByPath(form.issues);
  const otherIssues = form.issues.filter((i) => !hasFormField(i.path));
  const field = (path: WindowSettingPath): FieldState => ({
    path,
    error: errors.get(path),
    locked: isOverridden(settings.overridden, path),
  });
  const sections: SectionProps = { draft: form.draft, update: form.update, field, errors };

  return (
    <form class="settings-form" onSubmit={form.submit} noValidate>
      <AgentsSection {...sections} />
      <IdleSection {...sections} />
      <ArchiveSection {...sections} />
      <NotificationsSection {...sections} />
      <LimitsSection {...sections} />
      {otherIssues.length > 0 ? <OtherIssues issues={otherIssues} /> : null}
      <FormActions save={save} dirty={form.dirty} onDiscard={form.discard} />
      {pending ? (
        <ConsequenceDialog
          consequence={pending.consequence}
          saving={save.step === 'saving'}
          onConfirm={() => form.confirm(pending)}
          onCancel={form.cancel}
        />
      ) : null}
    </form>
  );
}
