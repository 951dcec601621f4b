import { useEffect, useState } from 'preact/hooks';
import type { Settings } from '../../../src/shared/index.js';
import { draftFromConfig, type SettingsDraft } from './settings-form.js';

/**
 * Unsaved settings edits outlive the Settings view: switching to another view and back finds them again, as long as
 * the settings they were made on have not changed meanwhile (then they would no longer be edits of what is shown).
 */
let kept: { basis: string; draft: SettingsDraft } | null = null;

/** The form's draft and whether it differs from what was loaded; a reload or a close of the page asks first. */
export function useUnsavedDraft(settings: Settings): [SettingsDraft, (d: SettingsDraft) => void, boolean, (dirty: boolean) => void] {
  const basis = JSON.stringify(settings.config);
  const [draft, setDraft] = useState<SettingsDraft>(() => (kept?.basis === basis ? kept.draft : draftFromConfig(settings.config)));
  const [dirty, setDirty] = useState(() => kept?.basis === basis);
  useEffect(() => {
    kept = dirty ? { basis, draft } : null;
  }, [basis, draft, dirty]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return [draft, setDraft, dirty, setDirty];
}
