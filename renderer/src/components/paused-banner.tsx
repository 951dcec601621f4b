import { useContext, useState } from 'preact/hooks';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from './badges.js';
import { CleanDialog } from './clean-dialog.js';

/**
 * While the janitor is paused (`daemon --start-paused`, the tray app's first run, or Pause): it cleans nothing, the
 * views show what it would do, and the plan Resume acts on is one click away.
 */
export function PausedBanner() {
  const { api } = useContext(AppContext);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resume = () => {
    setError(null);
    api.setPaused({ paused: false }).catch((err: unknown) => setError(messageOf(err)));
  };
  return (
    <Notice kind="warn" testId="paused-banner">
      <strong>Paused: nothing is cleaned.</strong> The views show what the janitor would do. Resume cleans what the plan lists at once, then
      goes on cleaning agents as they finish.{' '}
      <button type="button" onClick={() => setPreviewing(true)} data-testid="paused-preview">
        See the plan…
      </button>{' '}
      <button type="button" class="primary" onClick={resume} data-testid="paused-resume">
        Resume
      </button>
      {error ? <div class="error-text">{error}</div> : null}
      {previewing ? <CleanDialog target={{}} onClose={() => setPreviewing(false)} /> : null}
    </Notice>
  );
}
