import { useContext, useState } from 'preact/hooks';
import {
  isEmptyConsequence,
  settingChanges,
  type Config,
  type FieldIssue,
  type JanitorApi,
  type SettingChange,
  type Settings,
  type SettingsConsequence,
} from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { issuesOf, messageOf } from '../api/errors.js';
import { useUnsavedDraft } from '../lib/unsaved-draft.js';
import { draftFromConfig, validateDraft, type SettingsDraft } from '../lib/settings-form.js';

export type SaveState = { step: 'idle' } | { step: 'saving' } | { step: 'saved' } | { step: 'failed'; message: string };

/** A save held back until its consequence (agents cleaned, archives deleted) is confirmed. */
export interface PendingSave {
  changes: SettingChange[];
  consequence: SettingsConsequence;
}

/** What a save goes through: the engine, the form's state setters and who is told of a stored save. */
interface SaveSteps {
  api: JanitorApi;
  onSaved: (s: Settings) => void;
  setDraft: (d: SettingsDraft) => void;
  setDirty: (dirty: boolean) => void;
  setIssues: (issues: FieldIssue[]) => void;
  setSave: (save: SaveState) => void;
  setPending: (pending: PendingSave | null) => void;
}

function refused(steps: SaveSteps, found: FieldIssue[]) {
  steps.setIssues(found);
  steps.setSave({ step: 'failed', message: 'Not saved: the janitor refused some values (see the fields).' });
}

function failed(steps: SaveSteps, err: unknown) {
  steps.setIssues(issuesOf(err));
  steps.setSave({ step: 'failed', message: `Not saved: ${messageOf(err)}` });
}

function store(steps: SaveSteps, changes: SettingChange[], confirm?: string) {
  steps.setSave({ step: 'saving' });
  steps.api.saveSettings({ changes, ...(confirm ? { confirm } : {}) }).then(
    (r) => {
      steps.setPending(null);
      if (r.ok) {
        steps.setIssues([]);
        steps.setDirty(false);
        steps.setSave({ step: 'saved' });
        steps.onSaved(r.settings);
        steps.setDraft(draftFromConfig(r.settings.config));
      } else if (r.consequence) {
        // What it would do changed since the preview: show the new consequence, confirm again.
        steps.setSave({ step: 'idle' });
        steps.setPending({ changes, consequence: r.consequence });
      } else refused(steps, r.issues);
    },
    (err: unknown) => {
      steps.setPending(null);
      failed(steps, err);
    },
  );
}

function saveDraft(steps: SaveSteps, config: Config, draft: SettingsDraft) {
  const checked = validateDraft(config, draft);
  steps.setIssues(checked.issues);
  if (checked.issues.length > 0) {
    steps.setSave({
      step: 'failed',
      message: `Not saved: ${checked.issues.length === 1 ? 'one field needs' : `${checked.issues.length} fields need`} attention.`,
    });
    return;
  }
  // Only the fields changed go: the engine applies them to the file as it is now, so a hand edit of another field
  // made meanwhile is kept, and one of the same field is reported instead of overwritten.
  const changes = settingChanges(config, checked.config);
  if (changes.length === 0) {
    steps.setDirty(false);
    steps.setSave({ step: 'saved' });
    return;
  }
  // First what the change would do; a change that cleans agents or deletes archives waits for a confirm.
  steps.setSave({ step: 'saving' });
  steps.api.previewSettings({ changes }).then(
    (r) => {
      if (!r.ok) return refused(steps, r.issues);
      if (isEmptyConsequence(r.consequence)) return store(steps, changes);
      steps.setSave({ step: 'idle' });
      steps.setPending({ changes, consequence: r.consequence });
    },
    (err: unknown) => failed(steps, err),
  );
}

/** The settings form's draft and its save: validated, previewed, confirmed when it has a consequence, stored. */
export function useSettingsSave(settings: Settings, onSaved: (s: Settings) => void) {
  const { api } = useContext(AppContext);
  const [draft, setDraft, dirty, setDirty] = useUnsavedDraft(settings);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  // Issues are shown live once a save was tried, so a fix clears its message as it is typed.
  const [tried, setTried] = useState(false);
  const [save, setSave] = useState<SaveState>({ step: 'idle' });
  const [pending, setPending] = useState<PendingSave | null>(null);
  const steps: SaveSteps = { api, onSaved, setDraft, setDirty, setIssues, setSave, setPending };

  const update = (patch: Partial<SettingsDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    setDirty(true);
    if (save.step === 'saved') setSave({ step: 'idle' });
    if (tried) setIssues(validateDraft(settings.config, next).issues);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setTried(true);
    saveDraft(steps, settings.config, draft);
  };
  const discard = () => {
    setDraft(draftFromConfig(settings.config));
    setIssues([]);
    setTried(false);
    setDirty(false);
    setSave({ step: 'idle' });
  };
  const confirm = (p: PendingSave) => store(steps, p.changes, p.consequence.digest);
  const cancel = () => {
    setPending(null);
    setSave({ step: 'idle' });
  };
  return { draft, dirty, issues, save, pending, update, submit, discard, confirm, cancel };
}
