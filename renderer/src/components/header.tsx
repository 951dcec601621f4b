import { useContext, useEffect, useState } from 'preact/hooks';
import type { UiState } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import type { Link } from '../lib/bridge-link.js';
import { formatAge, plural } from '../lib/format.js';
import { headerStatus } from '../lib/header-state.js';
import { useNow } from '../lib/hooks.js';
import { Notice } from './badges.js';
import { CleanDialog } from './clean-dialog.js';

/** The running cleanup's step (Clean now or the daemon's own sweep), from `clean-progress`; forgotten when a state says it is over. */
function useCleanStep(): string | null {
  const { events } = useContext(AppContext);
  const [step, setStep] = useState<string | null>(null);
  useEffect(
    () =>
      events.subscribe((e) => {
        if (e.event === 'clean-progress') setStep(e.step);
        else if (e.event === 'state' && !e.state.sweeping) setStep(null);
      }),
    [events],
  );
  return step;
}

/** Counts, last sweep, watch mode, failures: plurals spelled out. While the link is lost they are the last known. */
function StatusMeta({ state, link }: { state: UiState; link: Link }) {
  const now = useNow();
  return (
    <div class="status-meta muted" data-testid="status-meta">
      {link === 'lost' ? (
        <span class="error-text" data-testid="connection-lost">
          {'Last known: '}
        </span>
      ) : null}
      {plural(state.agents, 'agent')} in {plural(state.tasks, 'task')}
      {state.alerts > 0 ? ` · ${plural(state.alerts, 'alert')}` : ''}
      {' · '}
      {state.lastSweepAt ? `last sweep ${formatAge(state.lastSweepAt, now)}` : 'no sweep yet'}
      {state.watch ? ` · watching (${state.watch})` : ''}
      {state.failures > 0 ? <span class="error-text"> · {plural(state.failures, 'failure')}</span> : null}
    </div>
  );
}

/**
 * One clear state (connecting, idle, sweeping with its step, paused, disconnected, error, attention), the engine's
 * status line (as in the tray menu), Pause/Resume and a full "Clean now". The actions are off while the link is lost.
 */
export function Header({ link }: { link: Link }) {
  const { api, state, offline } = useContext(AppContext);
  const [cleaning, setCleaning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const step = useCleanStep();

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

  const status = headerStatus(state, link, step);
  const noAction = !state || offline;
  return (
    <header class="app-header">
      <div class="status">
        <span class={`state-dot state-${status.kind}`} aria-hidden="true" />
        <div class="status-text">
          <div class="status-line" data-testid="status-line" data-state={status.kind} data-tray={state?.tray ?? 'idle'} role="status">
            <span class={`state-label state-${status.kind}`}>{status.label}</span> {status.text}
          </div>
          {state ? <StatusMeta state={state} link={link} /> : null}
        </div>
      </div>
      <div class="header-actions">
        <button
          type="button"
          onClick={togglePause}
          disabled={noAction || busy}
          data-testid="pause-toggle"
          aria-pressed={state?.paused ?? false}
        >
          {state?.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="primary" onClick={() => setCleaning(true)} disabled={noAction} data-testid="clean-all">
          Clean now…
        </button>
      </div>
      {error ? (
        <Notice kind="error" testId="header-error">
          {error}
        </Notice>
      ) : null}
      {cleaning ? (
        // Outside the main area's fieldset: its own, so the dialog's confirm is off while the link is lost too.
        <fieldset class="bare-fieldset" disabled={offline}>
          <CleanDialog target={{}} onClose={() => setCleaning(false)} />
        </fieldset>
      ) : null}
    </header>
  );
}
