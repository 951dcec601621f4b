import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Settings } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { Notice } from '../components/badges.js';
import { useLoader } from '../lib/hooks.js';
import { ReadOnlySettings } from './settings-fields.js';
import { SettingsForm } from './settings-form.js';

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
