import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import {
  isEmptyConsequence,
  settingChanges,
  type FieldIssue,
  type SettingChange,
  type Settings,
  type SettingsConsequence,
} from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { issuesOf, messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { ConsequenceDialog } from '../components/consequence-dialog.js';
import { formatBytes } from '../lib/format.js';
import { useLoader } from '../lib/hooks.js';
import { useUnsavedDraft } from '../lib/unsaved-draft.js';
import { draftFromConfig, hasFormField, isOverridden, issuesByPath, validateDraft, type SettingsDraft } from '../lib/settings-form.js';
import { CheckField, ListField, NumberField, ReadOnlySettings, SelectField, TextField } from './settings-fields.js';

type SaveState = { step: 'idle' } | { step: 'saving' } | { step: 'saved' } | { step: 'failed'; message: string };

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const { api } = useContext(AppContext);
  const [draft, setDraft, dirty, setDirty] = useUnsavedDraft(settings);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  // Issues are shown live once a save was tried, so a fix clears its message as it is typed.
  const [tried, setTried] = useState(false);
  const [save, setSave] = useState<SaveState>({ step: 'idle' });
  const [pending, setPending] = useState<{ changes: SettingChange[]; consequence: SettingsConsequence } | null>(null);

  const update = (patch: Partial<SettingsDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    setDirty(true);
    if (save.step === 'saved') setSave({ step: 'idle' });
    if (tried) setIssues(validateDraft(settings.config, next).issues);
  };
  const notif = (patch: Partial<SettingsDraft['notifications']>) => update({ notifications: { ...draft.notifications, ...patch } });

  const submit = (e: Event) => {
    e.preventDefault();
    setTried(true);
    const checked = validateDraft(settings.config, draft);
    setIssues(checked.issues);
    if (checked.issues.length > 0) {
      setSave({
        step: 'failed',
        message: `Not saved: ${checked.issues.length === 1 ? 'one field needs' : `${checked.issues.length} fields need`} attention.`,
      });
      return;
    }
    // Only the fields changed go: the engine applies them to the file as it is now, so a hand edit of another field
    // made meanwhile is kept, and one of the same field is reported instead of overwritten.
    const changes = settingChanges(settings.config, checked.config);
    if (changes.length === 0) {
      setDirty(false);
      setSave({ step: 'saved' });
      return;
    }
    // First what the change would do; a change that cleans agents or deletes archives waits for a confirm.
    setSave({ step: 'saving' });
    api.previewSettings({ changes }).then(
      (r) => {
        if (!r.ok) return refused(r.issues);
        if (isEmptyConsequence(r.consequence)) return store(changes);
        setSave({ step: 'idle' });
        setPending({ changes, consequence: r.consequence });
      },
      (err: unknown) => failed(err),
    );
  };

  const refused = (found: FieldIssue[]) => {
    setIssues(found);
    setSave({ step: 'failed', message: 'Not saved: the janitor refused some values (see the fields).' });
  };
  const failed = (err: unknown) => {
    setIssues(issuesOf(err));
    setSave({ step: 'failed', message: `Not saved: ${messageOf(err)}` });
  };
  const store = (changes: SettingChange[], confirm?: string) => {
    setSave({ step: 'saving' });
    api.saveSettings({ changes, ...(confirm ? { confirm } : {}) }).then(
      (r) => {
        setPending(null);
        if (r.ok) {
          setIssues([]);
          setDirty(false);
          setSave({ step: 'saved' });
          onSaved(r.settings);
          setDraft(draftFromConfig(r.settings.config));
        } else if (r.consequence) {
          // What it would do changed since the preview: show the new consequence, confirm again.
          setSave({ step: 'idle' });
          setPending({ changes, consequence: r.consequence });
        } else refused(r.issues);
      },
      (err: unknown) => {
        setPending(null);
        failed(err);
      },
    );
  };

  const errors = issuesByPath(issues);
  const locked = (path: string) => isOverridden(settings.overridden, path);
  const otherIssues = issues.filter((i) => !hasFormField(i.path));
  const f = (path: string) => ({ path, error: errors.get(path), locked: locked(path) });
  const maxMiB = Number(draft.retentionMaxMiB);

  return (
    <form class="settings-form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>Where agents run</legend>
        <ListField
          {...f('roots')}
          label="Roots"
          items={draft.roots}
          errors={errors}
          onChange={(roots) => update({ roots })}
          placeholder="/home/me/projects/app"
          addLabel="Add root"
          help="Folders that hold .agent-workspace/ (or such folders themselves)."
        />
        <TextField
          {...f('sessionPattern')}
          label="Session pattern"
          mono
          value={draft.sessionPattern}
          onChange={(sessionPattern) => update({ sessionPattern })}
          help="Regular expression; a tmux session that does not match is never killed."
        />
        <ListField
          {...f('terminalStatuses')}
          label="Finished statuses"
          items={draft.terminalStatuses}
          errors={errors}
          onChange={(terminalStatuses) => update({ terminalStatuses })}
          addLabel="Add status"
          help="Registry statuses that mean an agent is done."
        />
        <NumberField
          {...f('finishGraceSeconds')}
          label="Finish grace"
          unit="seconds"
          value={draft.finishGraceSeconds}
          onChange={(finishGraceSeconds) => update({ finishGraceSeconds })}
          help="A finished agent whose processes still run (claude writing its final answer) is left this long to exit on its own, then cleaned. 0 cleans it at once; Clean now never waits."
        />
      </fieldset>
      <fieldset>
        <legend>Idle agents</legend>
        <NumberField
          {...f('idleMinutes')}
          label="Clean when idle for"
          unit="minutes"
          value={draft.idleNever ? '' : draft.idleMinutes}
          disabled={draft.idleNever}
          placeholder={draft.idleNever ? 'never' : ''}
          onChange={(idleMinutes) => update({ idleMinutes })}
          extra={
            <label class="check">
              <input
                type="checkbox"
                checked={draft.idleNever}
                disabled={locked('idleMinutes')}
                onChange={(e) => update({ idleNever: e.currentTarget.checked })}
                data-testid="settings-never-idleMinutes"
              />
              never
            </label>
          }
          help="Silence measured from pane output and log writes. Pinned agents are never cleaned for idleness."
        />
        <NumberField
          {...f('idleWarningMinutes')}
          label="Warn before"
          unit="minutes"
          value={draft.idleWarningMinutes}
          onChange={(idleWarningMinutes) => update({ idleWarningMinutes })}
        />
        <ListField
          {...f('pins')}
          label="Pinned agents"
          items={draft.pins}
          errors={errors}
          onChange={(pins) => update({ pins })}
          placeholder="builder-232300-9040a9"
          addLabel="Add pin"
        />
      </fieldset>
      <fieldset>
        <legend>Archive</legend>
        <SelectField
          {...f('compression')}
          label="Compression"
          value={draft.compression}
          options={['gzip', 'none'] as const}
          onChange={(compression) => update({ compression })}
        />
        <NumberField
          {...f('compressAfterDays')}
          label="Compress after"
          unit="days"
          value={draft.compressNever ? '' : draft.compressAfterDays}
          disabled={draft.compressNever}
          placeholder={draft.compressNever ? 'never' : ''}
          onChange={(compressAfterDays) => update({ compressAfterDays })}
          extra={
            <label class="check">
              <input
                type="checkbox"
                checked={draft.compressNever}
                disabled={locked('compressAfterDays')}
                onChange={(e) => update({ compressNever: e.currentTarget.checked })}
                data-testid="settings-never-compressAfterDays"
              />
              never
            </label>
          }
          help={
            draft.compression === 'none'
              ? 'Compression is off: archived files are never gzipped.'
              : "Archived files keep their names, uncompressed, so the orchestrator's own dashboard still reads them; after this many days the retention pass gzips them. 0 compresses at archive time."
          }
        />
        <NumberField
          {...f('retention.maxAgeDays')}
          label="Keep archives for"
          unit="days"
          placeholder="forever"
          value={draft.retentionMaxAgeDays}
          onChange={(retentionMaxAgeDays) => update({ retentionMaxAgeDays })}
          help="Empty keeps them forever."
        />
        <NumberField
          {...f('retention.maxBytesPerRoot')}
          label="At most, per root"
          unit={draft.retentionMaxMiB.trim() !== '' && Number.isFinite(maxMiB) ? `MiB (${formatBytes(maxMiB * 1024 * 1024)})` : 'MiB'}
          placeholder="no limit"
          value={draft.retentionMaxMiB}
          onChange={(retentionMaxMiB) => update({ retentionMaxMiB })}
          help="Oldest archives go first once a root's archives pass this. Empty: no limit."
        />
      </fieldset>
      <fieldset>
        <legend>Notifications and start-up</legend>
        <CheckField
          {...f('notifications.enabled')}
          label="Show notifications"
          checked={draft.notifications.enabled}
          onChange={(enabled) => notif({ enabled })}
        />
        <CheckField
          {...f('notifications.orphans')}
          label="Orphan sessions"
          checked={draft.notifications.orphans}
          onChange={(orphans) => notif({ orphans })}
        />
        <CheckField
          {...f('notifications.ghosts')}
          label="Ghost agents"
          checked={draft.notifications.ghosts}
          onChange={(ghosts) => notif({ ghosts })}
        />
        <CheckField
          {...f('notifications.idleWarnings')}
          label="Idle warnings"
          checked={draft.notifications.idleWarnings}
          onChange={(idleWarnings) => notif({ idleWarnings })}
        />
        <CheckField
          {...f('notifications.stalled')}
          label="Stalled cleanups"
          checked={draft.notifications.stalled}
          onChange={(stalled) => notif({ stalled })}
        />
        <NumberField
          {...f('notifications.minIntervalSeconds')}
          label="At most one per kind every"
          unit="seconds"
          value={draft.notifications.minIntervalSeconds}
          onChange={(minIntervalSeconds) => notif({ minIntervalSeconds })}
          help="What arrives meanwhile is grouped into the next notification."
        />
        <CheckField
          {...f('startAtLogin')}
          label="Start at login"
          checked={draft.startAtLogin}
          onChange={(startAtLogin) => update({ startAtLogin })}
          help="Desktop app only."
        />
      </fieldset>
      <fieldset>
        <legend>Limits</legend>
        <NumberField
          {...f('timeouts.databaseMs')}
          label="State database reads"
          unit="ms at most"
          value={draft.databaseMs}
          onChange={(databaseMs) => update({ databaseMs })}
          help="Each read of the orchestrator's registry/state.sqlite3, its wait for a lock included. A read that takes longer is reported, and that sweep leaves the database's agents alone."
        />
      </fieldset>
      {otherIssues.length > 0 ? (
        <Notice kind="error" testId="settings-other-errors">
          {otherIssues.map((i) => (
            <div key={i.path} data-testid={`settings-error-${i.path}`}>
              <span class="mono">{i.path || '(config)'}</span>: {i.message}
            </div>
          ))}
        </Notice>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={save.step === 'saving'} data-testid="settings-save">
          {save.step === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          disabled={!dirty || save.step === 'saving'}
          onClick={() => {
            setDraft(draftFromConfig(settings.config));
            setIssues([]);
            setTried(false);
            setDirty(false);
            setSave({ step: 'idle' });
          }}
          data-testid="settings-reset"
        >
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
      {pending ? (
        <ConsequenceDialog
          consequence={pending.consequence}
          saving={save.step === 'saving'}
          onConfirm={() => store(pending.changes, pending.consequence.digest)}
          onCancel={() => {
            setPending(null);
            setSave({ step: 'idle' });
          }}
        />
      ) : null}
    </form>
  );
}

export function SettingsView() {
  const { api } = useContext(AppContext);
  const loaded = useLoader(() => api.getSettings({}), []);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [formKey, setFormKey] = useState(0);
  // What the form is based on: a reload that finds it unchanged (as after a reconnect) keeps the unsaved edits.
  const basis = useRef<string | null>(null);
  useEffect(() => {
    // A (re)load of other settings starts the form afresh; a save only updates what the form was based on.
    if (!loaded.data) return;
    const json = JSON.stringify(loaded.data);
    if (json === basis.current) return;
    basis.current = json;
    setSettings(loaded.data);
    setFormKey((k) => k + 1);
  }, [loaded.data]);
  const onSaved = (saved: Settings) => {
    basis.current = JSON.stringify(saved);
    setSettings(saved);
  };

  return (
    <section class="view view-settings" aria-labelledby="settings-title">
      <div class="toolbar">
        <h1 id="settings-title">Settings</h1>
        {settings ? (
          <span class="muted">
            Saved to{' '}
            <span class="mono" data-testid="settings-path">
              {settings.path}
            </span>
          </span>
        ) : null}
        <div class="spacer" />
        <button type="button" onClick={loaded.reload} data-testid="settings-reload">
          Reload
        </button>
      </div>
      {loaded.error ? (
        <Notice kind="error" testId="settings-load-error">
          {loaded.error}
        </Notice>
      ) : null}
      {settings && settings.overridden.length > 0 ? (
        <Notice kind="info" testId="settings-overridden">
          Fixed by the command line or environment (read-only here): <span class="mono">{settings.overridden.join(', ')}</span>
        </Notice>
      ) : null}
      {settings ? <ReadOnlySettings settings={settings} /> : null}
      <div class="scroll-area">{settings ? <SettingsForm key={formKey} settings={settings} onSaved={onSaved} /> : null}</div>
    </section>
  );
}
