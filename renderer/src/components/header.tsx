import { useContext, useState } from 'preact/hooks';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import type { ConnectionState } from '../api/bridge-client.js';
import { formatAge, plural } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { Notice } from './badges.js';
import { CleanDialog } from './clean-dialog.js';

/** The status line (UiState.message, as in the tray menu), Pause/Resume and a full "Clean now". */
export function Header({ connection }: { connection: ConnectionState | null }) {
  const { api, state } = useContext(AppContext);
  const [cleaning, setCleaning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  const togglePause = () => {
    if (!state) return;
    setBusy(true);
    setError(null);
    // The new state also arrives as a 'state' event; the answer is not needed here.
    api.setPaused({ paused: !state.paused }).then(
      () => setBusy(false),
      (err: unknown) => {
        setBusy(false);
        setError(messageOf(err));
      },
    );
  };

  const tray = state?.tray ?? 'idle';
  return (
    <header class="app-header">
      <div class="status">
        <span class={`tray-dot tray-${tray}`} aria-hidden="true" />
        <div class="status-text">
          <div class="status-line" data-testid="status-line" data-tray={tray} role="status">
            {state ? state.message : 'Connecting to the janitor…'}
          </div>
          {state ? (
            <div class="status-meta muted">
              {plural(state.agents, 'agent')} in {plural(state.tasks, 'task')}
              {' · '}
              {state.lastSweepAt ? `last sweep ${formatAge(state.lastSweepAt, now)}` : 'no sweep yet'}
              {state.sweeping ? ' · sweeping…' : ''}
              {state.watch ? ` · watching (${state.watch})` : ''}
              {state.failures > 0 ? <span class="error-text"> · {plural(state.failures, 'failure')}</span> : null}
              {connection === 'reconnecting' ? (
                <span class="error-text" data-testid="connection-lost">
                  {' · connection lost, reconnecting…'}
                </span>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
      <div class="header-actions">
        <button type="button" onClick={togglePause} disabled={!state || busy} data-testid="pause-toggle" aria-pressed={state?.paused ?? false}>
          {state?.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="primary" onClick={() => setCleaning(true)} disabled={!state} data-testid="clean-all">
          Clean now…
        </button>
      </div>
      {error ? (
        <Notice kind="error" testId="header-error">
          {error}
        </Notice>
      ) : null}
      {cleaning ? <CleanDialog target={{}} onClose={() => setCleaning(false)} /> : null}
    </header>
  );
}
